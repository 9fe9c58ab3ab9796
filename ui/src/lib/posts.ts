// How a post looks on the calendar: title, colour, aggregate status, draggability.
import type { EventInput } from "fullcalendar";
import type { Platform, PostView, TargetStatus } from "./backend/types";
import { accountColor, initials } from "./colors";

/** A post's status as one value: the post is a draft, or the most pressing of its targets' statuses. */
export type PostStatus = TargetStatus;

// Most pressing first: a single failed target makes the whole post "failed".
const STATUS_PRIORITY: TargetStatus[] = ["failed", "missed", "publishing", "scheduled", "draft", "published"];

export const PLATFORM_COLORS: Record<Platform, string> = {
  instagram: "#d6249f",
  facebook: "#1877f2",
  tiktok: "#111111",
};

export const PLATFORM_LABELS: Record<Platform, string> = {
  instagram: "Instagram",
  facebook: "Facebook",
  tiktok: "TikTok",
};

export const STATUS_LABELS: Record<PostStatus, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  publishing: "Publishing",
  published: "Published",
  failed: "Failed",
  missed: "Missed",
};

/** One-character badges, readable at event size (colour comes from CSS). */
export const STATUS_GLYPHS: Record<PostStatus, string> = {
  draft: "✎",
  scheduled: "◷",
  publishing: "↻",
  published: "✓",
  failed: "!",
  missed: "⚠",
};

export function aggregateStatus(post: PostView): PostStatus {
  if (post.draft) return "draft";
  if (post.targets.length === 0) return "scheduled";
  const present = new Set(post.targets.map((t) => t.status));
  return STATUS_PRIORITY.find((s) => present.has(s)) ?? "scheduled";
}

/** Posts that are (being) published on any account can no longer be moved. */
export function isLocked(post: PostView): boolean {
  return post.targets.some((t) => t.status === "published" || t.status === "publishing");
}

export function postTitle(caption: string): string {
  const firstLine = caption.split(/\r?\n/, 1)[0].trim();
  return firstLine || "(no caption)";
}

/** The colour of the post's first account (stable per account, see colors.ts). */
export function postColor(post: PostView): string {
  return accountColor(post.targets[0]?.account_id);
}

/** The avatar a post shows: its first account's initials and colour, and how many other accounts it goes to. */
export interface PostAvatar {
  initials: string;
  color: string;
  /** "Linden Bakery (Facebook)", or "No account yet". */
  label: string;
  more: number;
}

export function postAvatar(post: PostView): PostAvatar {
  const first = post.targets[0];
  if (!first) return { initials: "–", color: postColor(post), label: "No account yet", more: 0 };
  const others = new Set(post.targets.map((t) => t.account_id));
  others.delete(first.account_id);
  const label = post.targets.map((t) => `${t.account_name} (${PLATFORM_LABELS[t.platform]})`).join(", ");
  return { initials: initials(first.account_name), color: postColor(post), label, more: others.size };
}

/** What the calendar previews of a post's media: the first item's path, or that it is a video. */
export type PostPreview = { kind: "image"; path: string } | { kind: "video"; path: string } | null;

export function postPreview(post: PostView): PostPreview {
  const first = post.media[0];
  if (!first) return null;
  return { kind: first.kind === "video" ? "video" : "image", path: first.path };
}

/** What FullCalendar needs to draw a post; undefined for posts without a due time. */
export function toCalendarEvent(post: PostView): EventInput | undefined {
  if (!post.due_at) return undefined;
  const locked = isLocked(post);
  return {
    id: String(post.id),
    title: postTitle(post.caption),
    start: post.due_at,
    allDay: false,
    color: postColor(post),
    // Published posts stay put (dragging one offers a copy instead); the others move but keep their length.
    ...(locked ? { editable: false } : { startEditable: true, durationEditable: false }),
    extendedProps: { post, status: aggregateStatus(post), locked },
  };
}
