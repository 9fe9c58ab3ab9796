// Caption counters per network, counted each network's way, and how much of a caption the
// feed shows before "… more". The limits are the core's (src-tauri/core/src/rules/); the core
// checks them again before scheduling, these only give live feedback while typing.
import type { Platform } from "./backend/types";
import { characters, hashtags, mentions, utf16Units } from "./counting";

/** Instagram (meta-api.md §1.7, rules/instagram.rs): 2,200 characters, 30 hashtags, 20 @mentions. */
export const INSTAGRAM_LIMITS = { caption: 2_200, hashtags: 30, mentions: 20, shownHashtags: 5, altText: 1_000, firstComment: 2_200 } as const;
/** TikTok (tiktok-api.md §4, rules/tiktok.rs), in UTF-16 units: video caption, photo title and description. */
export const TIKTOK_LIMITS = { videoCaption: 2_200, photoTitle: 90, photoDescription: 4_000 } as const;
/** Facebook Page posts: about 63,206 characters (meta-api.md §2.2, observed). */
export const FACEBOOK_LIMITS = { message: 63_206 } as const;

export type Unit = "characters" | "UTF-16 units";

/** One measure against one limit. */
export interface Meter {
  used: number;
  limit: number;
  over: boolean;
}

export interface CaptionCounter {
  platform: Platform;
  /** What is counted: "Caption", "Description" (TikTok photos). */
  label: string;
  length: Meter & { unit: Unit };
  /** Instagram only. */
  hashtags: (Meter & { shown: number }) | null;
  mentions: Meter | null;
  /** Anything over a limit. */
  over: boolean;
  /** Instagram stories have no caption: the counter says so instead. */
  unused: boolean;
}

function meter(used: number, limit: number): Meter {
  return { used, limit, over: used > limit };
}

/** What TikTok makes of the post: one video or photos (the caption limits differ). */
export type TiktokShape = "video" | "photos";

/**
 * The counter for one network's caption. `story`: an Instagram story (no caption there).
 * `tiktokShape`: a TikTok photo post counts the caption as its 4,000-unit description.
 */
export function captionCounter(
  platform: Platform,
  text: string,
  { story = false, tiktokShape = "video" }: { story?: boolean; tiktokShape?: TiktokShape } = {},
): CaptionCounter {
  switch (platform) {
    case "instagram": {
      const length = { ...meter(characters(text), INSTAGRAM_LIMITS.caption), unit: "characters" as const };
      const tags = { ...meter(hashtags(text).length, INSTAGRAM_LIMITS.hashtags), shown: INSTAGRAM_LIMITS.shownHashtags };
      const ats = meter(mentions(text).length, INSTAGRAM_LIMITS.mentions);
      if (story) return { platform, label: "Caption", length, hashtags: null, mentions: null, over: false, unused: true };
      return { platform, label: "Caption", length, hashtags: tags, mentions: ats, over: length.over || tags.over || ats.over, unused: false };
    }
    case "tiktok": {
      const photos = tiktokShape === "photos";
      const limit = photos ? TIKTOK_LIMITS.photoDescription : TIKTOK_LIMITS.videoCaption;
      const length = { ...meter(utf16Units(text), limit), unit: "UTF-16 units" as const };
      const tags = { ...meter(hashtags(text).length, Infinity), shown: Infinity };
      const ats = meter(mentions(text).length, Infinity);
      return { platform, label: photos ? "Description" : "Caption", length, hashtags: tags, mentions: ats, over: length.over, unused: false };
    }
    case "facebook": {
      const length = { ...meter(characters(text), FACEBOOK_LIMITS.message), unit: "characters" as const };
      return { platform, label: "Post text", length, hashtags: null, mentions: null, over: length.over, unused: false };
    }
  }
}

const NUMBER = new Intl.NumberFormat("en-US");

function count(n: number, one: string, many: string): string {
  return `${NUMBER.format(n)} ${n === 1 ? one : many}`;
}

/** "143 / 2,200 · 3 hashtags · 1 mention", the way the counter reads. */
export function counterText(counter: CaptionCounter): string {
  if (counter.unused) return "Stories have no caption";
  const parts = [`${NUMBER.format(counter.length.used)} / ${NUMBER.format(counter.length.limit)}`];
  if (counter.hashtags) {
    const limited = Number.isFinite(counter.hashtags.limit);
    parts.push(count(counter.hashtags.used, "hashtag", "hashtags") + (limited && counter.hashtags.over ? ` (max ${counter.hashtags.limit})` : ""));
  }
  if (counter.mentions) {
    const limited = Number.isFinite(counter.mentions.limit);
    parts.push(count(counter.mentions.used, "mention", "mentions") + (limited && counter.mentions.over ? ` (max ${counter.mentions.limit})` : ""));
  }
  return parts.join(" · ");
}

/** What the counter says out loud (its title and accessible description). */
export function counterDescription(counter: CaptionCounter): string {
  if (counter.unused) return "Instagram stories have no caption; it is not published there.";
  const { used, limit, unit } = counter.length;
  const parts = [`${NUMBER.format(used)} of ${NUMBER.format(limit)} ${unit}`];
  if (counter.hashtags && Number.isFinite(counter.hashtags.limit)) {
    parts.push(`${count(counter.hashtags.used, "hashtag", "hashtags")} of ${counter.hashtags.limit}`);
    if (counter.hashtags.used > counter.hashtags.shown && !counter.hashtags.over) {
      parts.push(`Instagram's apps show at most ${counter.hashtags.shown} hashtags`);
    }
  }
  if (counter.mentions && Number.isFinite(counter.mentions.limit)) {
    parts.push(`${count(counter.mentions.used, "mention", "mentions")} of ${counter.mentions.limit}`);
  }
  return parts.join("; ") + ".";
}

/** A short text's meter (first comment, alt text, TikTok photo title), counted `unit`'s way. */
export function textMeter(text: string, limit: number, unit: Unit = "characters"): Meter {
  return meter(unit === "characters" ? characters(text) : utf16Units(text), limit);
}

/**
 * How much of a caption each feed shows before cutting it off, in characters and lines.
 * - Instagram: "only the first three lines of a caption will be displayed… we recommend a caption
 *   of 125 characters or fewer" (help.instagram.com/1643471055915254); the link reads "… more".
 * - Facebook: "See more" after about 477 characters on desktop (third-party measurements, e.g.
 *   socialk.it and posttruncate.com, 2026; mobile cuts earlier); we use 480 and 5 lines.
 * - TikTok: about 150 characters before "… more" (third-party measurements, e.g. toolshake.xyz,
 *   2026); the caption sits over the video in two lines.
 * Approximate by nature: the apps cut by rendered width, which varies by device.
 */
export const FEED_FOLD: Record<Platform, { chars: number; lines: number; more: string }> = {
  instagram: { chars: 125, lines: 3, more: "more" },
  facebook: { chars: 480, lines: 5, more: "See more" },
  tiktok: { chars: 150, lines: 2, more: "more" },
};

export interface Folded {
  /** The text shown before the fold. */
  shown: string;
  /** Whether anything is hidden behind "more". */
  truncated: boolean;
  more: string;
}

/** `text` cut the way `platform`'s feed cuts it: at a word boundary, within its characters and lines. */
export function foldCaption(platform: Platform, text: string): Folded {
  const { chars, lines, more } = FEED_FOLD[platform];
  const trimmed = text.trim();
  let cut = trimmed;
  const lineList = cut.split("\n");
  if (lineList.length > lines) cut = lineList.slice(0, lines).join("\n");
  const codePoints = Array.from(cut);
  if (codePoints.length > chars) {
    let head = codePoints.slice(0, chars).join("");
    // Back up to the last space so no word is cut in half (unless that loses too much).
    const space = head.search(/\s\S*$/);
    if (space > chars * 0.6) head = head.slice(0, space);
    cut = head;
  }
  cut = cut.trimEnd();
  const truncated = cut.length < trimmed.length;
  return { shown: cut, truncated, more };
}
