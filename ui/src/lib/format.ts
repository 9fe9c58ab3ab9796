// Human-readable dates, quotas and messages for the post detail and settings.
import type { QuotaView } from "./backend/types";

function formatInstant(instant: string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
  }).format(new Date(instant));
}

export interface DueTimes {
  /** In the post's own time zone, e.g. "Tue, Nov 10, 2026, 9:00 AM". */
  inPostZone: string;
  /** In the viewer's zone; null when that shows the same wall-clock time. */
  local: string | null;
}

export function dueTimes(dueAt: string, postZone: string, localZone: string, locale?: string): DueTimes {
  const inPostZone = formatInstant(dueAt, postZone, locale);
  const local = formatInstant(dueAt, localZone, locale);
  return { inPostZone, local: local === inPostZone ? null : local };
}

/** An account's publishing quota, e.g. "12 of 50 posts in the last 24 h". */
export function quotaLine(quota: QuotaView): string {
  return `${quota.used} of ${quota.total} posts in the last ${quota.window_hours} h`;
}

/** When the quota was read, for a tooltip: "Last read from the platform Tue, Nov 10, 2026, 9:00 AM". */
export function quotaCheckedAt(quota: QuotaView, timeZone: string, locale?: string): string {
  if (Number.isNaN(Date.parse(quota.checked_at))) return "";
  return `Last read from the platform ${formatInstant(quota.checked_at, timeZone, locale)}`;
}

/**
 * A message as a sentence: capitalised and ending in punctuation. The core's error messages are
 * lower-case clauses ("no media relay is set"); shown on their own they read better as sentences.
 */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capitalised = trimmed[0].toLocaleUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
