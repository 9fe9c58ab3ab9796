// Date and time-zone arithmetic, on Temporal (polyfilled) so DST is handled for us.
import { Temporal } from "temporal-polyfill";

/** The calendar date ("YYYY-MM-DD") of an instant, as seen in `timeZone`. */
export function dateInZone(instant: string, timeZone: string): string {
  return Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/**
 * The instant at the same wall-clock time as `instant` (in `timeZone`) but on `date`.
 * Across a DST change the UTC offset changes and the wall-clock time stays; a time
 * that does not exist on `date` (spring-forward gap) moves forward, as in RFC 5545.
 */
export function sameTimeOnDate(instant: string, timeZone: string, date: string): string {
  const plainTime = Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone).toPlainTime();
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone, plainTime }).toInstant().toString();
}

/** `date` ("YYYY-MM-DD") plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/** The local calendar date of a JS Date, as "YYYY-MM-DD". */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Whole calendar days from `from` to `to`, counted on the local calendar. */
export function localDayDelta(from: Date, to: Date): number {
  return Temporal.PlainDate.from(localDate(from)).until(localDate(to), { largestUnit: "days" }).days;
}

/** The time zone this UI runs in, e.g. "Europe/Berlin". */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
