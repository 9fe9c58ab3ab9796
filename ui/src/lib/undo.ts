// Undo for the calendar's last moves and deletes: a small stack of what to put back, each
// offered for a short while (the Undo toast), and how to rebuild a deleted post.
import { Temporal } from "temporal-polyfill";
import type { Backend, Platform, PostDraft, PostIntent, PostView } from "./backend/types";

/** How long an action can be undone (the toast shows that long). */
export const UNDO_MS = 10_000;

export type UndoAction =
  /** A post was moved: put it back at `from` (RFC 3339). */
  | { kind: "move"; postId: number; from: string }
  /** An undated draft was put on the calendar: make it an undated draft again. */
  | { kind: "schedule-draft"; before: PostView }
  /** A post was deleted: create it again from what it was. */
  | { kind: "delete"; before: PostView }
  /** A post was duplicated: delete the copy. */
  | { kind: "duplicate"; copyId: number };

export interface UndoEntry {
  id: number;
  action: UndoAction;
  /** What happened, as the toast says it ("Moved to Fri 12 Jun, 09:00."). */
  message: string;
  /** Things to know about the result (e.g. a target's quota warning). */
  warnings: string[];
  /** Epoch ms after which it can no longer be undone. */
  expiresAt: number;
}

/** The last few undoable actions, newest last; expired ones are dropped. */
export class UndoStack {
  private entries: UndoEntry[] = [];
  private nextId = 1;

  constructor(
    private readonly limit = 20,
    private readonly ttlMs = UNDO_MS,
  ) {}

  push(action: UndoAction, message: string, now: number, warnings: string[] = []): UndoEntry {
    const entry: UndoEntry = { id: this.nextId++, action, message, warnings, expiresAt: now + this.ttlMs };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return entry;
  }

  /** The newest action that can still be undone. */
  peek(now: number): UndoEntry | null {
    this.prune(now);
    return this.entries.at(-1) ?? null;
  }

  /** Takes the newest undoable action off the stack (to undo it). */
  pop(now: number): UndoEntry | null {
    this.prune(now);
    return this.entries.pop() ?? null;
  }

  /** Forgets one entry (its toast was dismissed). */
  remove(id: number): void {
    this.entries = this.entries.filter((e) => e.id !== id);
  }

  /** Forgets whatever involves `postId` (it changed some other way, e.g. it was edited). */
  forgetPost(postId: number): void {
    this.entries = this.entries.filter((e) => postOf(e.action) !== postId);
  }

  get size(): number {
    return this.entries.length;
  }

  private prune(now: number) {
    this.entries = this.entries.filter((e) => e.expiresAt > now);
  }
}

function postOf(action: UndoAction): number {
  switch (action.kind) {
    case "move":
      return action.postId;
    case "schedule-draft":
    case "delete":
      return action.before.id;
    case "duplicate":
      return action.copyId;
  }
}

/** A post's due time as the composer's wall-clock "YYYY-MM-DDTHH:MM" in the post's own zone; null if undated. */
export function wallClock(dueAt: string | null, timeZone: string): string | null {
  if (!dueAt) return null;
  const local = Temporal.Instant.from(dueAt).toZonedDateTimeISO(timeZone).toPlainDateTime();
  return local.toString({ smallestUnit: "minute" });
}

/** What a post is, as the composer (and `createPost`) take it. */
export function toPostDraft(post: PostView): PostDraft {
  const captions: PostDraft["captions"] = {};
  for (const t of post.targets) {
    if (t.caption !== undefined && t.caption !== null) captions[t.platform as Platform] = t.caption;
  }
  return {
    caption: post.caption,
    captions,
    kind: post.kind,
    accounts: [...new Set(post.targets.map((t) => t.account_id))],
    media: post.media.map((m) => ({ path: m.path, alt_text: m.alt_text ?? null })),
    // A JSON copy: the post may be a Svelte state proxy, which structuredClone refuses.
    options: JSON.parse(JSON.stringify(post.options)) as PostDraft["options"],
    at: wallClock(post.due_at, post.timezone),
    timezone: post.timezone,
  };
}

/**
 * How to create a deleted post again: scheduled if it was scheduled for a time still ahead,
 * else as a draft (keeping its date) so nothing goes out unexpectedly.
 */
export function restoreIntent(post: PostView, now: Date): PostIntent {
  if (post.draft || !post.due_at) return "draft";
  if (post.targets.length === 0 || post.targets.some((t) => t.status === "draft")) return "draft";
  return Date.parse(post.due_at) > now.getTime() ? "schedule" : "draft";
}

/** Whether deleting the post could be undone faithfully (published history can't be recreated). */
export function canUndoDelete(post: PostView): boolean {
  return !post.targets.some((t) => t.status === "published" || t.status === "publishing");
}

/** The backend calls an undo needs. */
export type UndoBackend = Pick<Backend, "reschedule" | "updatePost" | "createPost" | "deletePost">;

/** Puts things back as they were before `action`; returns what happened, as a sentence. */
export async function applyUndo(backend: UndoBackend, action: UndoAction, now: Date): Promise<string> {
  switch (action.kind) {
    case "move":
      await backend.reschedule(action.postId, action.from);
      return "Moved back.";
    case "schedule-draft":
      await backend.updatePost(action.before.id, { ...toPostDraft(action.before), at: null }, "draft");
      return "Back among the drafts.";
    case "delete": {
      const intent = restoreIntent(action.before, now);
      await backend.createPost(toPostDraft(action.before), intent);
      return intent === "draft" && !action.before.draft ? "Restored as a draft (its time has passed)." : "Restored.";
    }
    case "duplicate":
      await backend.deletePost(action.copyId);
      return "Copy removed.";
  }
}

/** The warnings a post's targets carry (e.g. a daily quota), as "Account: warning" lines. */
export function targetWarnings(post: PostView): string[] {
  return post.targets.filter((t) => t.warning?.trim()).map((t) => `${t.account_name}: ${t.warning!.trim()}`);
}
