// Decides what a drag-and-drop of a post on the calendar means, before asking the backend.
import type { PostView } from "./backend/types";
import { isLocked } from "./posts";
import { addDays, dateInZone, localDayDelta, sameTimeOnDate } from "./time";

export type DropPlan =
  /** Week/day views: the exact instant the post was dropped on. */
  | { kind: "reschedule"; at: string }
  /** Month/list views: the new day in the post's own time zone (`at` is where that lands). */
  | { kind: "moveToDay"; date: string; at: string }
  | { kind: "refuse"; message: string };

export interface DropInput {
  post: PostView;
  /** FullCalendar view type, e.g. "dayGridMonth" or "timeGridWeek". */
  viewType: string;
  oldStart: Date;
  newStart: Date;
  now: Date;
}

export const PAST_DROP_MESSAGE = "A post can't be scheduled in the past.";
export const LOCKED_DROP_MESSAGE = "This post is already published and can't be moved.";

function isTimeGridView(viewType: string): boolean {
  return viewType.startsWith("timeGrid");
}

export function planDrop({ post, viewType, oldStart, newStart, now }: DropInput): DropPlan {
  if (isLocked(post)) return { kind: "refuse", message: LOCKED_DROP_MESSAGE };
  if (!post.due_at) return { kind: "refuse", message: "This post has no due time." };

  if (isTimeGridView(viewType)) {
    if (newStart.getTime() <= now.getTime()) return { kind: "refuse", message: PAST_DROP_MESSAGE };
    return { kind: "reschedule", at: newStart.toISOString() };
  }

  // The cells are local days; shift the post's own-zone date by the same number of days,
  // so a post whose local and own-zone dates differ still lands where it was dropped.
  const days = localDayDelta(oldStart, newStart);
  const date = addDays(dateInZone(post.due_at, post.timezone), days);
  const at = sameTimeOnDate(post.due_at, post.timezone, date);
  if (Date.parse(at) <= now.getTime()) return { kind: "refuse", message: PAST_DROP_MESSAGE };
  return { kind: "moveToDay", date, at };
}
