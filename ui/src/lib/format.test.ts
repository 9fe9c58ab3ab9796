import { describe, expect, it } from "vitest";
import { dueTimes, quotaCheckedAt, quotaLine, sentence } from "./format";

describe("dueTimes", () => {
  it("shows the post's zone, and the local time only when it differs", () => {
    const t = dueTimes("2026-06-10T07:00:00Z", "Europe/Berlin", "America/New_York", "en-US");
    expect(t.inPostZone).toBe("Wed, Jun 10, 2026, 9:00 AM");
    expect(t.local).toBe("Wed, Jun 10, 2026, 3:00 AM");
  });

  it("omits the local time when the zones agree at that instant", () => {
    expect(dueTimes("2026-06-10T07:00:00Z", "Europe/Paris", "Europe/Berlin", "en-US").local).toBeNull();
  });
});

describe("quotaLine", () => {
  const quota = { used: 12, total: 50, window_hours: 24, checked_at: "2026-06-10T07:00:00Z" };

  it("says how much of the rolling window is used", () => {
    expect(quotaLine(quota)).toBe("12 of 50 posts in the last 24 h");
    expect(quotaLine({ ...quota, used: 0, window_hours: 1 })).toBe("0 of 50 posts in the last 1 h");
  });

  it("says when the quota was read, in the given zone", () => {
    expect(quotaCheckedAt(quota, "Europe/Berlin", "en-US")).toBe("Last read from the platform Wed, Jun 10, 2026, 9:00 AM");
    expect(quotaCheckedAt({ ...quota, checked_at: "never" }, "UTC")).toBe("");
  });
});

describe("sentence", () => {
  it("capitalises a clause and ends it with a full stop", () => {
    expect(sentence("no media relay is set")).toBe("No media relay is set.");
    expect(sentence(" The relay refused the upload: access denied. ")).toBe("The relay refused the upload: access denied.");
    expect(sentence("is it?")).toBe("Is it?");
    expect(sentence("")).toBe("");
  });
});
