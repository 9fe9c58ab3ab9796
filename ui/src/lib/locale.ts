// The user's locale, and the first day of the week it implies.

/**
 * `tag` as a valid BCP 47 locale, else "en-US". WebKitGTK reports the POSIX locale
 * as "C" when LANG is unset (e.g. under Xvfb in CI), and Intl throws on that.
 */
export function uiLocale(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? "en-US";
  } catch {
    return "en-US";
  }
}

// Only used where the engine lacks Intl.Locale week info: regions that start on Sunday (CLDR).
const SUNDAY_FIRST_REGIONS = new Set([
  "US", "CA", "MX", "BR", "JP", "KR", "TW", "HK", "IL", "IN", "PH", "ZA", "SA", "PE", "CO", "VE", "GT",
]);

type WeekInfoLocale = Intl.Locale & {
  getWeekInfo?: () => { firstDay: number };
  weekInfo?: { firstDay: number };
};

/** 0 = Sunday … 6 = Saturday, as FullCalendar's `firstDay` expects. `locale` must be valid (see uiLocale). */
export function firstDayOfWeek(locale: string): number {
  const full = new Intl.Locale(locale).maximize() as WeekInfoLocale;
  // ISO numbering: 1 = Monday … 7 = Sunday.
  const info = full.getWeekInfo?.() ?? full.weekInfo;
  if (info) return info.firstDay % 7;
  return SUNDAY_FIRST_REGIONS.has(full.region ?? "") ? 0 : 1;
}
