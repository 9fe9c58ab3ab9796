import { describe, expect, it } from "vitest";
import {
  atToInstant,
  inDstFold,
  inDstGap,
  inOtherZone,
  instantToAt,
  joinAt,
  nextDayAt,
  prefillAt,
  relativeHint,
  splitAt,
  suggestedAt,
  timeProblem,
  zoneGroups,
} from "./composeTime";

const now = new Date("2026-06-10T08:00:00Z");

describe("the composer's date and time", () => {
  it("splits and joins local times", () => {
    expect(splitAt("2026-06-10T09:30")).toEqual({ date: "2026-06-10", time: "09:30" });
    expect(splitAt(null)).toEqual({ date: "", time: "" });
    expect(joinAt("2026-06-10", "09:30")).toBe("2026-06-10T09:30");
    expect(joinAt("2026-06-10", "")).toBeNull();
  });

  it("reads a wall-clock time in its zone, both ways", () => {
    expect(atToInstant("2026-06-10T09:30", "Europe/Berlin")).toBe("2026-06-10T07:30:00Z");
    expect(instantToAt("2026-06-10T07:30:00Z", "Europe/Berlin")).toBe("2026-06-10T09:30");
    expect(instantToAt("2026-06-10T07:30:00Z", "Pacific/Auckland")).toBe("2026-06-10T19:30");
  });

  it("knows the spring-forward gap", () => {
    expect(inDstGap("2026-03-29T02:30", "Europe/Berlin")).toBe(true);
    expect(inDstGap("2026-03-29T03:30", "Europe/Berlin")).toBe(false);
    expect(inDstGap("2026-10-25T02:30", "Europe/Berlin")).toBe(false);
    expect(inDstFold("2026-10-25T02:30", "Europe/Berlin")).toBe(true);
    expect(inDstFold("2026-03-29T02:30", "Europe/Berlin")).toBe(false);
    expect(inDstFold("2026-10-25T03:30", "Europe/Berlin")).toBe(false);
  });

  it("says how far away the time is", () => {
    expect(relativeHint("2026-06-10T13:00", "Europe/Berlin", now)).toBe("in 3 hours");
    expect(relativeHint("2026-06-10T10:25", "Europe/Berlin", now)).toBe("in 25 minutes");
    expect(relativeHint("2026-06-13T10:00", "Europe/Berlin", now)).toBe("in 3 days");
    expect(relativeHint("2026-06-10T09:55", "Europe/Berlin", now)).toBe("5 minutes ago");
  });

  it("blocks Schedule without a time or with one in the past", () => {
    expect(timeProblem("", "", "UTC", now)).toBe("Choose a date and time to schedule.");
    expect(timeProblem("2026-06-10", "", "UTC", now)).toBe("Choose a time to schedule.");
    expect(timeProblem("2026-06-10", "07:59", "UTC", now)).toBe("This time is in the past: choose a later one.");
    expect(timeProblem("2026-06-10", "08:01", "UTC", now)).toBeNull();
    // 09:30 in Berlin is 07:30 UTC: past, though 09:30 UTC would not be.
    expect(timeProblem("2026-06-10", "09:30", "Europe/Berlin", now)).not.toBeNull();
    expect(timeProblem("2026-06-10", "09:30", "Mars/Olympus", now)).toBe('"Mars/Olympus" is not a time zone.');
  });

  it("suggests the next whole hour, or keeps the calendar's day", () => {
    expect(suggestedAt(now, "UTC")).toBe("2026-06-10T09:00");
    expect(suggestedAt(new Date("2026-06-10T08:40:00Z"), "UTC")).toBe("2026-06-10T10:00");
    expect(prefillAt("2026-07-01T14:00", now, "UTC")).toBe("2026-07-01T14:00");
    expect(prefillAt("2026-07-01", now, "UTC")).toBe("2026-07-01T09:00");
    expect(prefillAt(null, now, "Europe/Berlin")).toBe("2026-06-10T11:00");
  });

  it("shows the time in the machine's zone when it reads differently", () => {
    expect(inOtherZone("2026-06-10T09:30", "Europe/Berlin", "Europe/Berlin")).toBeNull();
    expect(inOtherZone("2026-06-10T09:30", "Europe/Berlin", "America/New_York", "en-US")).toBe("Wed, Jun 10, 3:30 AM");
  });

  it("lists the zones that matter first, without repeats", () => {
    const groups = zoneGroups("Europe/Berlin", ["America/New_York", "Europe/Berlin"], ["UTC", "Europe/Berlin", "Asia/Tokyo", "Zulu/Test"]);
    expect(groups[0]).toEqual({ label: "This computer and your posts", zones: ["Europe/Berlin", "America/New_York"] });
    expect(groups[1].zones).not.toContain("Europe/Berlin");
    expect(groups[2].zones).toEqual(["Zulu/Test"]);
  });

  it("starts a duplicate tomorrow at the post's time of day", () => {
    expect(nextDayAt("2026-06-01T07:30:00Z", "Europe/Berlin", now)).toBe("2026-06-11T09:30");
    expect(nextDayAt(null, "UTC", now)).toBe("2026-06-11T09:00");
    // Late on the 10th in UTC is already the 11th in Auckland.
    expect(nextDayAt(null, "Pacific/Auckland", new Date("2026-06-10T20:00:00Z"))).toBe("2026-06-12T09:00");
  });
});
