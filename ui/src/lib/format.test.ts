import { describe, expect, it } from "vitest";
import { dueTimes } from "./format";

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
