import { describe, expect, it } from "vitest";
import { aggregateStatus, isLocked, NO_PLATFORM_COLOR, postColor, postTitle, toCalendarEvent } from "./posts";
import { makePost, makeTarget } from "./testing";

describe("aggregateStatus", () => {
  it("is draft for drafts, whatever the targets say", () => {
    expect(aggregateStatus(makePost({ draft: true, targets: [makeTarget("failed")] }))).toBe("draft");
  });

  it("picks the most pressing target status", () => {
    const post = (...s: Parameters<typeof makeTarget>[0][]) => makePost({ targets: s.map((x) => makeTarget(x)) });
    expect(aggregateStatus(post("published", "failed", "scheduled"))).toBe("failed");
    expect(aggregateStatus(post("published", "missed"))).toBe("missed");
    expect(aggregateStatus(post("scheduled", "publishing"))).toBe("publishing");
    expect(aggregateStatus(post("published", "scheduled"))).toBe("scheduled");
    expect(aggregateStatus(post("published", "published"))).toBe("published");
  });

  it("is scheduled for a post without targets", () => {
    expect(aggregateStatus(makePost({ targets: [] }))).toBe("scheduled");
  });
});

describe("isLocked", () => {
  it("locks posts published or being published on any account", () => {
    expect(isLocked(makePost({ targets: [makeTarget("scheduled"), makeTarget("published")] }))).toBe(true);
    expect(isLocked(makePost({ targets: [makeTarget("publishing")] }))).toBe(true);
    expect(isLocked(makePost({ targets: [makeTarget("failed"), makeTarget("missed")] }))).toBe(false);
    expect(isLocked(makePost({ targets: [] }))).toBe(false);
  });
});

describe("postTitle", () => {
  it("uses the first line of the caption", () => {
    expect(postTitle("  New menu  \nsecond line")).toBe("New menu");
    expect(postTitle("One\r\nTwo")).toBe("One");
  });

  it("has a placeholder for empty captions", () => {
    expect(postTitle("")).toBe("(no caption)");
    expect(postTitle("   \nonly the second line")).toBe("(no caption)");
  });
});

describe("postColor", () => {
  it("follows the first target's platform", () => {
    expect(postColor(makePost({ targets: [makeTarget("scheduled", { platform: "facebook" }), makeTarget("scheduled")] }))).toBe("#1877f2");
    expect(postColor(makePost({ targets: [makeTarget("scheduled", { platform: "tiktok" })] }))).toBe("#111111");
    expect(postColor(makePost({ targets: [] }))).toBe(NO_PLATFORM_COLOR);
  });
});

describe("toCalendarEvent", () => {
  it("maps a scheduled post", () => {
    const post = makePost({ id: 42, caption: "Launch day\n#news" });
    expect(toCalendarEvent(post)).toEqual({
      id: "42",
      title: "Launch day",
      start: "2026-06-10T09:00:00Z",
      allDay: false,
      color: "#d6249f",
      startEditable: true,
      extendedProps: { post, status: "scheduled" },
    });
  });

  it("makes published posts non-draggable", () => {
    expect(toCalendarEvent(makePost({ targets: [makeTarget("published")] }))?.startEditable).toBe(false);
  });

  it("skips posts without a due time", () => {
    expect(toCalendarEvent(makePost({ due_at: null, draft: true }))).toBeUndefined();
  });
});
