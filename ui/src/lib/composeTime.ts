// The composer's date and time: a wall-clock time ("YYYY-MM-DDTHH:MM") in a chosen time zone,
// as the core takes it, and what it means (how far away, in the past, in a DST gap).
import { Temporal } from "temporal-polyfill";

/** "YYYY-MM-DDTHH:MM". */
const AT_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^\d{2}:\d{2}$/;

/** The date and time fields of a local "YYYY-MM-DDTHH:MM" (empty strings for none). */
export function splitAt(at: string | null): { date: string; time: string } {
  const match = at ? AT_RE.exec(at) : null;
  return match ? { date: match[1], time: match[2] } : { date: "", time: "" };
}

/** The local "YYYY-MM-DDTHH:MM" of the date and time fields; null unless both are filled in. */
export function joinAt(date: string, time: string): string | null {
  if (!DATE_RE.test(date) || !TIME_RE.test(time)) return null;
  return `${date}T${time}`;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/**
 * The instant (RFC 3339, UTC) a wall-clock time in `zone` stands for; a time that does not
 * exist (clocks go forward) moves forward, a repeated one takes the earlier, as the core does.
 * Null when unreadable.
 */
export function atToInstant(at: string, zone: string): string | null {
  try {
    return Temporal.PlainDateTime.from(at).toZonedDateTime(zone, { disambiguation: "compatible" }).toInstant().toString();
  } catch {
    return null;
  }
}

/** The local "YYYY-MM-DDTHH:MM" in `zone` of an instant (a post's `due_at`). */
export function instantToAt(instant: string, zone: string): string {
  const zoned = Temporal.Instant.from(instant).toZonedDateTimeISO(zone);
  return zoned.toPlainDateTime().toString({ smallestUnit: "minute" });
}

/** Whether the wall-clock time is skipped in `zone` (a spring-forward gap). */
export function inDstGap(at: string, zone: string): boolean {
  try {
    const plain = Temporal.PlainDateTime.from(at);
    return !plain.toZonedDateTime(zone, { disambiguation: "compatible" }).toPlainDateTime().equals(plain);
  } catch {
    return false;
  }
}

/** Whether the wall-clock time happens twice in `zone` (clocks go back), so it is ambiguous. */
export function inDstFold(at: string, zone: string): boolean {
  try {
    const plain = Temporal.PlainDateTime.from(at);
    const earlier = plain.toZonedDateTime(zone, { disambiguation: "earlier" });
    // In a gap the two differ too, but neither reads the time asked for.
    return earlier.toPlainDateTime().equals(plain) && !earlier.equals(plain.toZonedDateTime(zone, { disambiguation: "later" }));
  } catch {
    return false;
  }
}

/** Whether the time is now or earlier. */
export function isPast(at: string, zone: string, now: Date): boolean {
  const instant = atToInstant(at, zone);
  return instant !== null && Date.parse(instant) <= now.getTime();
}

/**
 * "in 3 hours", "in 25 minutes", "in 2 days", "5 minutes ago": how far the time is from now,
 * rounded to one unit.
 */
export function relativeHint(at: string, zone: string, now: Date, locale?: string): string | null {
  const instant = atToInstant(at, zone);
  if (instant === null) return null;
  const minutes = Math.round((Date.parse(instant) - now.getTime()) / 60_000);
  const format = new Intl.RelativeTimeFormat(locale ?? "en", { numeric: "always" });
  const abs = Math.abs(minutes);
  if (abs < 1) return "now";
  if (abs < 60) return format.format(minutes, "minute");
  if (abs < 48 * 60) return format.format(Math.round(minutes / 60), "hour");
  return format.format(Math.round(minutes / (24 * 60)), "day");
}

/** The same moment as seen in `other` (e.g. the machine's zone), or null when it reads the same there. */
export function inOtherZone(at: string, zone: string, other: string, locale?: string): string | null {
  if (zone === other) return null;
  const instant = atToInstant(at, zone);
  if (instant === null) return null;
  const options: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };
  const there = new Intl.DateTimeFormat(locale, { ...options, timeZone: other }).format(new Date(instant));
  const here = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(new Date(instant));
  return there === here ? null : there;
}

/** The first whole hour at least `leadMinutes` from now, as a local time in `zone`: a new post's suggestion. */
export function suggestedAt(now: Date, zone: string, leadMinutes = 30): string {
  const zoned = Temporal.Instant.fromEpochMilliseconds(now.getTime() + leadMinutes * 60_000).toZonedDateTimeISO(zone);
  const hour = zoned.round({ smallestUnit: "hour", roundingMode: "ceil" });
  return hour.toPlainDateTime().toString({ smallestUnit: "minute" });
}

/** `date` ("YYYY-MM-DD") at a day's time, keeping a prefilled time when the calendar gave only a day. */
export function prefillAt(initial: string | null, now: Date, zone: string): string {
  if (initial && AT_RE.test(initial)) return initial;
  if (initial && DATE_RE.test(initial)) return `${initial}T${splitAt(suggestedAt(now, zone)).time}`;
  return suggestedAt(now, zone);
}

/** Why the time stops Schedule, as a sentence; null when it is fine. */
export function timeProblem(date: string, time: string, zone: string, now: Date): string | null {
  if (!date && !time) return "Choose a date and time to schedule.";
  if (!date) return "Choose a date to schedule.";
  if (!time) return "Choose a time to schedule.";
  if (!isTimeZone(zone)) return `"${zone}" is not a time zone.`;
  const at = joinAt(date, time);
  if (at === null || atToInstant(at, zone) === null) return "This date or time can't be read.";
  if (isPast(at, zone, now)) return "This time is in the past: choose a later one.";
  return null;
}

/** Zones people often plan in, offered before the full list. */
export const COMMON_ZONES = [
  "UTC",
  "America/Los_Angeles",
  "America/Denver",
  "America/Chicago",
  "America/New_York",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Africa/Lagos",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
] as const;

export interface ZoneGroup {
  label: string;
  zones: string[];
}

/**
 * The time zones to choose from: the ones that matter here first (this machine's, the post's,
 * the zones of the user's other posts), then common ones, then every zone this runtime knows.
 */
export function zoneGroups(local: string, used: readonly string[] = [], all: readonly string[] = supportedZones()): ZoneGroup[] {
  const seen = new Set<string>();
  const take = (zones: readonly string[]) => zones.filter((z) => z && !seen.has(z) && (seen.add(z), true));
  const groups: ZoneGroup[] = [
    { label: "This computer and your posts", zones: take([local, ...used]) },
    { label: "Common", zones: take(COMMON_ZONES) },
    { label: "All time zones", zones: take([...all].sort()) },
  ];
  return groups.filter((g) => g.zones.length > 0);
}

function supportedZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    return [];
  }
}

/** "GMT+2"-style offset of `zone` at `at` (or now), to show next to its name. */
export function zoneOffset(zone: string, at: string | null, now: Date): string {
  const instant = (at && atToInstant(at, zone)) || now.toISOString();
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(new Date(instant));
    return parts.find((p) => p.type === "timeZoneName")?.value ?? "";
  } catch {
    return "";
  }
}

/**
 * Where "Duplicate to a date…" starts: tomorrow (in `zone`) at the post's own time of day,
 * or at 09:00 for a post without one.
 */
export function nextDayAt(dueAt: string | null, zone: string, now: Date): string {
  const today = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(zone).toPlainDate();
  const time = dueAt ? Temporal.Instant.from(dueAt).toZonedDateTimeISO(zone).toPlainTime() : Temporal.PlainTime.from("09:00");
  return today.add({ days: 1 }).toPlainDateTime(time).toString({ smallestUnit: "minute" });
}
