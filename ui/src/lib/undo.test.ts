import { describe, expect, it } from "vitest";
import { createFakeBackend } from "./backend/fake";
import { applyUndo, canUndoDelete, restoreIntent, targetWarnings, toPostDraft, UNDO_MS, UndoStack, wallClock } from "./undo";
import { makeAccount, makePost, makeTarget } from "./testing";

describe("UndoStack", () => {
  it("offers the newest action until it expires", () => {
    const stack = new UndoStack();
    stack.push({ kind: "move", postId: 1, from: "2026-06-10T09:00:00Z" }, "Moved.", 1000);
    const second = stack.push({ kind: "move", postId: 2, from: "2026-06-11T09:00:00Z" }, "Moved again.", 2000);
    expect(stack.peek(2500)?.id).toBe(second.id);
    expect(stack.peek(2000 + UNDO_MS - 1)?.id).toBe(second.id);
    // The first expired before the second did: nothing is left.
    expect(stack.peek(2000 + UNDO_MS)).toBeNull();
  });

  it("pops newest first, then falls back to the older one still in time", () => {
    const stack = new UndoStack();
    const first = stack.push({ kind: "move", postId: 1, from: "a" }, "one", 1000);
    stack.push({ kind: "delete", before: makePost({ id: 2 }) }, "two", 1500);
    expect(stack.pop(2000)?.action.kind).toBe("delete");
    expect(stack.pop(2000)?.id).toBe(first.id);
    expect(stack.pop(2000)).toBeNull();
  });

  it("keeps at most `limit` entries", () => {
    const stack = new UndoStack(3);
    for (let i = 0; i < 5; i++) stack.push({ kind: "move", postId: i, from: "x" }, `m${i}`, 0);
    expect(stack.size).toBe(3);
    expect(stack.pop(0)?.message).toBe("m4");
  });

  it("forgets dismissed entries and a post's entries", () => {
    const stack = new UndoStack();
    const a = stack.push({ kind: "move", postId: 1, from: "x" }, "a", 0);
    stack.push({ kind: "duplicate", copyId: 9 }, "b", 0);
    stack.push({ kind: "schedule-draft", before: makePost({ id: 4, draft: true, due_at: null }) }, "c", 0);
    stack.forgetPost(4);
    expect(stack.peek(0)?.message).toBe("b");
    stack.forgetPost(9);
    expect(stack.peek(0)?.id).toBe(a.id);
    stack.remove(a.id);
    expect(stack.peek(0)).toBeNull();
  });

  it("keeps warnings with the entry", () => {
    const stack = new UndoStack();
    const e = stack.push({ kind: "move", postId: 1, from: "x" }, "Moved.", 0, ["Quota"]);
    expect(e.warnings).toEqual(["Quota"]);
  });
});

describe("wallClock", () => {
  it("reads the instant in the post's own zone", () => {
    expect(wallClock("2026-06-10T07:00:00Z", "Europe/Berlin")).toBe("2026-06-10T09:00");
    expect(wallClock("2026-01-10T23:30:00Z", "America/New_York")).toBe("2026-01-10T18:30");
    expect(wallClock(null, "UTC")).toBeNull();
  });
});

describe("toPostDraft", () => {
  it("keeps caption, overrides, kind, accounts, media, options and time", () => {
    const post = makePost({
      caption: "Shared",
      kind: "reel",
      timezone: "Europe/Berlin",
      due_at: "2026-06-10T07:00:00Z",
      media: [
        { id: 3, path: "/p/a.jpg", kind: "image", mime: "image/jpeg", size_bytes: 1, alt_text: "A loaf" },
        { id: 4, path: "/p/b.mp4", kind: "video", mime: "video/mp4", size_bytes: 2 },
      ],
      options: { instagram: { first_comment: "#bread" } },
      targets: [
        makeTarget("scheduled", { account_id: 1, platform: "instagram", caption: "IG only" }),
        makeTarget("scheduled", { account_id: 2, platform: "facebook", caption: null }),
      ],
    });
    const draft = toPostDraft(post);
    expect(draft).toEqual({
      caption: "Shared",
      captions: { instagram: "IG only" },
      kind: "reel",
      accounts: [1, 2],
      media: [
        { path: "/p/a.jpg", alt_text: "A loaf" },
        { path: "/p/b.mp4", alt_text: null },
      ],
      options: { instagram: { first_comment: "#bread" } },
      at: "2026-06-10T09:00",
      timezone: "Europe/Berlin",
    });
    // A copy: changing the draft leaves the post alone.
    draft.options.instagram!.first_comment = "changed";
    expect(post.options.instagram?.first_comment).toBe("#bread");
  });

  it("gives undated drafts no time", () => {
    expect(toPostDraft(makePost({ due_at: null, draft: true, targets: [] })).at).toBeNull();
  });
});

describe("restoreIntent", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  it("schedules again a post still ahead", () => {
    expect(restoreIntent(makePost({ due_at: "2026-06-10T09:00:00Z" }), now)).toBe("schedule");
  });
  it("keeps drafts and overdue posts as drafts", () => {
    expect(restoreIntent(makePost({ draft: true }), now)).toBe("draft");
    expect(restoreIntent(makePost({ due_at: null }), now)).toBe("draft");
    expect(restoreIntent(makePost({ due_at: "2026-05-30T09:00:00Z" }), now)).toBe("draft");
    expect(restoreIntent(makePost({ targets: [] }), now)).toBe("draft");
  });
});

describe("canUndoDelete", () => {
  it("refuses posts with published history", () => {
    expect(canUndoDelete(makePost({ targets: [makeTarget("published")] }))).toBe(false);
    expect(canUndoDelete(makePost({ targets: [makeTarget("failed"), makeTarget("scheduled")] }))).toBe(true);
  });
});

describe("applyUndo", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const account = makeAccount({ id: 1, name: "@acme", platform: "instagram" });
  const status = { publishing: "running" as const, sandbox: false, tray_icon: true, data_dir: "/tmp" };
  const fresh = (posts = [makePost({ id: 1, due_at: "2026-06-10T09:00:00Z", media: [] })]) =>
    createFakeBackend({ accounts: [account], posts, status }, { now: () => now });

  it("moves a post back", async () => {
    const backend = fresh();
    await backend.reschedule(1, "2026-06-12T09:00:00Z");
    expect(await applyUndo(backend, { kind: "move", postId: 1, from: "2026-06-10T09:00:00Z" }, now)).toBe("Moved back.");
    expect((await backend.getPost(1)).due_at).toBe("2026-06-10T09:00:00.000Z");
  });

  it("re-creates a deleted post from its snapshot", async () => {
    const backend = fresh();
    const before = await backend.getPost(1);
    await backend.deletePost(1);
    expect(await applyUndo(backend, { kind: "delete", before }, now)).toBe("Restored.");
    const [again] = await backend.listPosts("2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z");
    expect(again).toMatchObject({ caption: before.caption, due_at: "2026-06-10T09:00:00Z", draft: false });
    expect(again.targets.map((t) => t.account_id)).toEqual([1]);
  });

  it("turns a draft put on the calendar back into an undated draft", async () => {
    const backend = fresh([makePost({ id: 5, draft: true, due_at: null, targets: [makeTarget("draft")] })]);
    const before = await backend.getPost(5);
    await backend.scheduleDraftOnDay(5, "2026-06-04");
    expect(await applyUndo(backend, { kind: "schedule-draft", before }, now)).toBe("Back among the drafts.");
    expect((await backend.listDrafts()).map((d) => d.id)).toEqual([5]);
  });

  it("removes a copy", async () => {
    const backend = fresh();
    const copy = await backend.duplicatePost(1, null);
    await applyUndo(backend, { kind: "duplicate", copyId: copy.id }, now);
    await expect(backend.getPost(copy.id)).rejects.toThrow();
  });
});

describe("targetWarnings", () => {
  it("lists each target's warning with its account", () => {
    const post = makePost({
      targets: [makeTarget("scheduled", { account_name: "@a", warning: "Over quota." }), makeTarget("scheduled", { warning: " " })],
    });
    expect(targetWarnings(post)).toEqual(["@a: Over quota."]);
  });
});
