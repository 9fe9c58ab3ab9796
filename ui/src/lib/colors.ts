// Each account's colour and initials on the calendar: stable per account id, readable in light and dark.

/**
 * A small palette of saturated mid-tone colours that hold white initials (WCAG AA for large text)
 * and stand out from both the light and the dark surface. Adjacent ids get distant hues.
 */
export const ACCOUNT_PALETTE = [
  "#4f46e5", // indigo
  "#c2410c", // orange
  "#0b7a53", // green
  "#c2255c", // raspberry
  "#1971c2", // blue
  "#8a5a00", // ochre
  "#7048e8", // violet
  "#0b7285", // teal
  "#b02a37", // red
  "#5c7080", // slate
] as const;

/** Posts without any account (drafts not yet aimed anywhere). */
export const NO_ACCOUNT_COLOR = "#687385";

/** The colour of account `id`: the same for the same id, every time and everywhere. */
export function accountColor(id: number | null | undefined): string {
  if (id === null || id === undefined || !Number.isFinite(id)) return NO_ACCOUNT_COLOR;
  const n = ACCOUNT_PALETTE.length;
  // Ids start at 1: the first accounts get the first (most distinct) colours.
  const index = (((Math.trunc(id) - 1) % n) + n) % n;
  return ACCOUNT_PALETTE[index];
}

/**
 * Up to two letters for an avatar: "Linden Bakery" → "LB", "@lindenbakery" → "LI",
 * "Sandbox Bakery (sandbox)" → "SB", "linden.bakery" → "LB". Empty names give "?".
 */
export function initials(name: string): string {
  const cleaned = name
    .replace(/\([^)]*\)/g, " ") // "(sandbox)" and the like
    .replace(/^[\s@#]+/, "")
    .trim();
  const words = cleaned.split(/[\s._\-/|·]+/u).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return "?";
  const first = (w: string) => Array.from(w.replace(/^[^\p{L}\p{N}]+/u, ""))[0] ?? "";
  if (words.length >= 2) return (first(words[0]) + first(words[1])).toLocaleUpperCase();
  const letters = Array.from(words[0].replace(/[^\p{L}\p{N}]/gu, ""));
  return letters.slice(0, 2).join("").toLocaleUpperCase() || "?";
}
