// How a post looks on the calendar: title, colour, aggregate status, draggability.
import type { EventInput } from "fullcalendar";
import type { Platform, PostView, TargetStatus } from "./backend/types";

/** A post's status as one value: the post is a draft, or the most pressing of its targets' statuses. */
export type PostStatus = TargetStatus;

// Most pressing first: a single failed target makes the whole post "failed".
const STATUS_PRIORITY: TargetStatus[] = ["failed", "missed", "publishing", "scheduled", "draft", "published"];

export const PLATFORM_COLORS: Record<Platform, string> = {
  instagram: "#d6249f",
  facebook: "#1877f2",
  tiktok: "#111111",
};
export const NO_PLATFORM_COLOR = "#8a94a3";

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

export function postColor(post: PostView): string {
  const first = post.targets[0];
  return first ? PLATFORM_COLORS[first.platform] : NO_PLATFORM_COLOR;
}

/** What FullCalendar needs to draw a post; undefined for posts without a due time. */
export function toCalendarEvent(post: PostView): EventInput | undefined {
  if (!post.due_at) return undefined;
  return {
    id: String(post.id),
    title: postTitle(post.caption),
    start: post.due_at,
    allDay: false,
    color: postColor(post),
    startEditable: !isLocked(post),
    extendedProps: { post, status: aggregateStatus(post) },
  };
}
