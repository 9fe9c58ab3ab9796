import { describe, expect, it } from "vitest";
import { uploadLine } from "./upload";

describe("uploadLine", () => {
  it("says how much of the video the platform confirmed", () => {
    const line = uploadLine({ status: "publishing", upload: { sent_bytes: 135_000_000, total_bytes: 300_000_000 } });
    expect(line?.fraction).toBeCloseTo(0.45);
    expect(line?.text).toMatch(/^Uploading: 45 % \(/);
  });

  it("is absent when nothing is uploading", () => {
    expect(uploadLine({ status: "scheduled", upload: { sent_bytes: 1, total_bytes: 2 } })).toBeNull();
    expect(uploadLine({ status: "publishing", upload: null })).toBeNull();
    expect(uploadLine({ status: "publishing" })).toBeNull();
  });
});
