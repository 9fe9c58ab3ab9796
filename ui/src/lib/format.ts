// Human-readable dates for the post detail.

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
