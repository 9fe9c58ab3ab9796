import { describe, expect, it } from "vitest";
import { accountColor, NO_ACCOUNT_COLOR } from "./colors";
import { aggregateStatus, isLocked, postAvatar, postColor, postPreview, postTitle, toCalendarEvent } from "./posts";
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
  it("follows the first target's account", () => {
    const post = makePost({ targets: [makeTarget("scheduled", { account_id: 3 }), makeTarget("scheduled", { account_id: 1 })] });
    expect(postColor(post)).toBe(accountColor(3));
    expect(postColor(makePost({ targets: [] }))).toBe(NO_ACCOUNT_COLOR);
  });
});

describe("postAvatar", () => {
  it("shows the first account's initials and counts the others", () => {
    const post = makePost({
      targets: [
        makeTarget("scheduled", { account_id: 2, account_name: "Linden Bakery", platform: "facebook" }),
        makeTarget("scheduled", { account_id: 1, account_name: "@lindenbakery", platform: "instagram" }),
      ],
    });
    expect(postAvatar(post)).toEqual({
      initials: "LB",
      color: accountColor(2),
      label: "Linden Bakery (Facebook), @lindenbakery (Instagram)",
      more: 1,
    });
  });

  it("has a placeholder for posts without accounts", () => {
    expect(postAvatar(makePost({ targets: [] }))).toMatchObject({ initials: "–", more: 0, label: "No account yet" });
  });
});

describe("postPreview", () => {
  it("previews the first media item", () => {
    const image = { id: 1, path: "/a.jpg", kind: "image" as const, mime: "image/jpeg", size_bytes: 1 };
    const video = { id: 2, path: "/b.mp4", kind: "video" as const, mime: "video/mp4", size_bytes: 1 };
    expect(postPreview(makePost({ media: [image, video] }))).toEqual({ kind: "image", path: "/a.jpg" });
    expect(postPreview(makePost({ media: [video, image] }))).toEqual({ kind: "video", path: "/b.mp4" });
    expect(postPreview(makePost({ media: [] }))).toBeNull();
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
      color: accountColor(1),
      startEditable: true,
      durationEditable: false,
      extendedProps: { post, status: "scheduled", locked: false },
    });
  });

  it("makes published posts non-draggable", () => {
    const event = toCalendarEvent(makePost({ targets: [makeTarget("published")] }));
    expect(event?.editable).toBe(false);
    expect(event?.extendedProps?.locked).toBe(true);
  });

  it("skips posts without a due time", () => {
    expect(toCalendarEvent(makePost({ due_at: null, draft: true }))).toBeUndefined();
  });
});
