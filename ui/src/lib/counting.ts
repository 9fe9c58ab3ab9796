// Counting text the way each network counts it, for live feedback while composing (the core
// checks the same limits again before scheduling: src-tauri/core/src/rules/).

/** Characters as Instagram counts them (Unicode code points). */
export function characters(text: string): number {
  return Array.from(text).length;
}

/** UTF-16 code units, as TikTok counts (an emoji outside the BMP counts two). */
export function utf16Units(text: string): number {
  return text.length;
}

const WORD = /[\p{L}\p{N}_]/u;

function tokens(text: string, sigil: string, body: RegExp): string[] {
  const found: string[] = [];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== sigil) continue;
    if (i > 0 && WORD.test(chars[i - 1])) continue;
    let j = i + 1;
    while (j < chars.length && body.test(chars[j])) j++;
    let word = chars.slice(i + 1, j).join("");
    if (sigil === "@") word = word.replace(/\.+$/, "");
    if (word) found.push(sigil + word);
  }
  return found;
}

/** Hashtags: `#` at the start or after a non-word character, then letters, digits or `_`. */
export function hashtags(text: string): string[] {
  return tokens(text, "#", WORD);
}

/** @mentions (not e-mail addresses). */
export function mentions(text: string): string[] {
  return tokens(text, "@", /[A-Za-z0-9._]/);
}

/** One network's caption limit, counted its way. */
export interface CaptionCount {
  used: number;
  limit: number;
  over: boolean;
  unit: "characters" | "UTF-16 units";
}

/** Instagram: 2,200 characters. TikTok video captions: 2,200 UTF-16 units. */
export function captionCount(network: "instagram" | "tiktok", text: string): CaptionCount {
  const used = network === "tiktok" ? utf16Units(text) : characters(text);
  const limit = 2200;
  return { used, limit, over: used > limit, unit: network === "tiktok" ? "UTF-16 units" : "characters" };
}
