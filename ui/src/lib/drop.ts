// Decides what a drag-and-drop of a post on the calendar means, before asking the backend.
import type { PostView } from "./backend/types";
import { isLocked } from "./posts";
import { Temporal } from "temporal-polyfill";
import { addDays, dateInZone, localDate, localDayDelta, sameTimeOnDate } from "./time";

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
  return planTarget({ post, viewType, oldStart, newStart, now });
}

/** Where a post dropped at `newStart` goes, whatever its status (moves and copies alike). */
function planTarget({ post, viewType, oldStart, newStart, now }: DropInput): DropPlan {
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

export type CopyPlan = { kind: "copy"; at: string } | { kind: "same" } | { kind: "refuse"; message: string };

/**
 * A published post dragged elsewhere stays put; this is where its copy would go ("Duplicate to
 * this date"): the dropped slot, or the same time of day on the dropped day. "same" if it was
 * dropped where it already is.
 */
export function planCopy(input: DropInput): CopyPlan {
  const isTimeGrid = isTimeGridView(input.viewType);
  if (isTimeGrid ? input.newStart.getTime() === input.oldStart.getTime() : localDayDelta(input.oldStart, input.newStart) === 0) {
    return { kind: "same" };
  }
  const plan = planTarget(input);
  if (plan.kind === "refuse") return plan;
  return { kind: "copy", at: new Date(plan.at).toISOString() };
}

/** The time of day an undated draft gets when dropped on a day, and a new post made from a day (as the core's default). */
export const DEFAULT_TIME = "09:00";

export const PAST_DAY_MESSAGE = "That day has passed; pick today or a later day.";

export type DraftDropPlan =
  /** Month/list views: schedule on `date` ("YYYY-MM-DD", the post's zone) at the default time; `at` is that instant. */
  | { kind: "day"; date: string; at: string }
  /**
   * Week/day views: the exact instant dropped on. `scheduleDraftOnDay(date)` first (a day whose
   * default time is still ahead), then `reschedule(at)`.
   */
  | { kind: "exact"; date: string; at: string }
  | { kind: "refuse"; message: string };

export interface DraftDropInput {
  /** The draft's own time zone (IANA). */
  timeZone: string;
  viewType: string;
  /** Where it was dropped: a local day (all-day cells) or an exact slot. */
  date: Date;
  allDay: boolean;
  now: Date;
}

/** The instant of `time` ("HH:MM") on `date` in `timeZone` (a DST gap moves it forward). */
export function instantAt(date: string, time: string, timeZone: string): string {
  return Temporal.PlainDate.from(date)
    .toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from(time) })
    .toInstant()
    .toString();
}

/** Decides what dropping an undated draft from the sidebar onto the calendar does. */
export function planDraftDrop({ timeZone, viewType, date, allDay, now }: DraftDropInput): DraftDropPlan {
  if (isTimeGridView(viewType) && !allDay) {
    if (date.getTime() <= now.getTime()) return { kind: "refuse", message: PAST_DROP_MESSAGE };
    const at = date.toISOString();
    // scheduleDraftOnDay puts it at the default time: use a day on which that is still ahead.
    let day = dateInZone(at, timeZone);
    if (Date.parse(instantAt(day, DEFAULT_TIME, timeZone)) <= now.getTime()) {
      day = addDays(dateInZone(now.toISOString(), timeZone), 1);
    }
    return { kind: "exact", date: day, at };
  }
  // A day cell: the local date shown, taken as the draft's own-zone date.
  const day = localDate(date);
  const at = instantAt(day, DEFAULT_TIME, timeZone);
  if (day < localDate(now)) return { kind: "refuse", message: PAST_DAY_MESSAGE };
  if (Date.parse(at) <= now.getTime()) {
    return { kind: "refuse", message: `${DEFAULT_TIME} has already passed that day; drop it on a later day, or on a time in the week view.` };
  }
  return { kind: "day", date: day, at };
}

/**
 * The composer's starting time ("YYYY-MM-DDTHH:MM", local) for a click on an empty day or slot:
 * a slot's own time; a day's default time, or the next whole hour if that has passed today.
 * Null when the day or slot has passed (or no hour is left today).
 */
export function newPostAt({ viewType, date, allDay, now }: Omit<DraftDropInput, "timeZone">): string | null {
  const pad = (n: number) => String(n).padStart(2, "0");
  const wall = (d: Date) => `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (isTimeGridView(viewType) && !allDay) return date.getTime() > now.getTime() ? wall(date) : null;
  const day = localDate(date);
  if (day < localDate(now)) return null;
  const [hh, mm] = DEFAULT_TIME.split(":").map(Number);
  const atDefault = new Date(date.getFullYear(), date.getMonth(), date.getDate(), hh, mm);
  if (atDefault.getTime() > now.getTime()) return wall(atDefault);
  const nextHour = new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours() + 1, 0);
  return localDate(nextHour) === day ? wall(nextHour) : null;
}
