import { describe, expect, it } from "vitest";
import { addDays, dateInZone, localDate, localDayDelta, sameTimeOnDate } from "./time";

describe("sameTimeOnDate", () => {
  it("keeps the wall-clock time across a DST change (Berlin, winter → summer)", () => {
    // 09:00 CET (+01:00) on 27 March; DST starts 29 March 2026.
    expect(sameTimeOnDate("2026-03-27T08:00:00Z", "Europe/Berlin", "2026-03-30")).toBe("2026-03-30T07:00:00Z");
  });

  it("keeps the wall-clock time across a DST change (New York, summer → winter)", () => {
    // 18:30 EDT (-04:00) on 30 October; DST ends 1 November 2026.
    expect(sameTimeOnDate("2026-10-30T22:30:00Z", "America/New_York", "2026-11-02")).toBe("2026-11-02T23:30:00Z");
  });

  it("moves a time that does not exist on the new date forward", () => {
    // 02:30 Berlin does not exist on 29 March 2026; it becomes 03:30 CEST.
    expect(sameTimeOnDate("2026-03-28T01:30:00Z", "Europe/Berlin", "2026-03-29")).toBe("2026-03-29T01:30:00Z");
  });

  it("uses the post's zone, not UTC, to define the time of day", () => {
    // 23:30 in Tokyo is 14:30 UTC; moved to 5 Jan it is still 23:30 in Tokyo.
    expect(sameTimeOnDate("2026-01-01T14:30:00Z", "Asia/Tokyo", "2026-01-05")).toBe("2026-01-05T14:30:00Z");
  });
});

describe("dateInZone", () => {
  it("gives the date as seen in the zone", () => {
    expect(dateInZone("2026-01-01T23:30:00Z", "Europe/Berlin")).toBe("2026-01-02");
    expect(dateInZone("2026-01-01T23:30:00Z", "America/Los_Angeles")).toBe("2026-01-01");
  });
});

describe("addDays", () => {
  it("crosses month and year ends", () => {
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});

describe("local calendar helpers", () => {
  it("formats the local date", () => {
    expect(localDate(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
  });

  it("counts calendar days, not 24-hour periods, across a DST change", () => {
    // Local zone is America/New_York in tests: 1 Nov 2026 has 25 hours.
    expect(localDayDelta(new Date(2026, 9, 31, 23, 0), new Date(2026, 10, 1, 0, 30))).toBe(1);
    expect(localDayDelta(new Date(2026, 9, 31, 12, 0), new Date(2026, 10, 2, 12, 0))).toBe(2);
    expect(localDayDelta(new Date(2026, 10, 2, 9, 0), new Date(2026, 9, 30, 9, 0))).toBe(-3);
  });
});
