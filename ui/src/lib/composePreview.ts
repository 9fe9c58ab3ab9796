// How the first photo or video of a post shows in each network's feed: the frame's shape, and
// which part of the picture fills it (cropped) or how it sits inside it (padded).
import type { InstagramOptions, Platform, PostKind } from "./backend/types";

/** Instagram's Fit (pad) or Crop for photos outside its range. */
export type AspectFix = NonNullable<InstagramOptions["aspect_fix"]>;

/** Instagram feed photos and carousels: 4:5 to 1.91:1 (meta-api.md §1.10; image.rs `INSTAGRAM_FEED`). */
export const INSTAGRAM_FEED_ASPECT = { min: 4 / 5, max: 1.91 } as const;
/** Reels, stories and TikTok fill a 9:16 phone screen (meta-api.md §1.10, tiktok-api.md §4). */
export const VERTICAL_ASPECT = 9 / 16;
/** With nothing known about the picture yet: Instagram's square, Facebook's landscape link size. */
const UNKNOWN_ASPECT: Record<Platform, number> = { instagram: 1, facebook: 1.91, tiktok: VERTICAL_ASPECT };

/** A region of the source picture, in its pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PreviewFrame {
  /** The frame's width / height. */
  aspect: number;
  /** `cover`: the picture fills the frame, cropped; `contain`: all of it shows, with bars. */
  fit: "cover" | "contain";
  /** The bars' colour when `contain` (Instagram's Fit pads with white; TikTok and stories show black). */
  pad: "white" | "black";
  /** The part of the picture that shows (all of it for `contain`), when its size is known. */
  visible: Box | null;
  /** A word about what the preview shows, e.g. "Cropped to 4:5"; null when it shows as it is. */
  note: string | null;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The centred region of a `width`×`height` picture with the given aspect (what "cover" shows). */
export function coverBox(width: number, height: number, aspect: number): Box {
  const own = width / height;
  if (own > aspect) {
    const w = height * aspect;
    return { x: (width - w) / 2, y: 0, width: w, height };
  }
  const h = width / aspect;
  return { x: 0, y: (height - h) / 2, width, height: h };
}

/** "4:5", "1.91:1", "9:16", "1:1"; otherwise the ratio to one, e.g. "0.56:1". */
export function ratioLabel(aspect: number): string {
  const known: [number, string][] = [
    [1, "1:1"],
    [4 / 5, "4:5"],
    [9 / 16, "9:16"],
    [16 / 9, "16:9"],
    [3 / 4, "3:4"],
    [4 / 3, "4:3"],
    [2 / 3, "2:3"],
    [3 / 2, "3:2"],
  ];
  const hit = known.find(([value]) => Math.abs(value - aspect) < 0.005);
  if (hit) return hit[1];
  return `${Math.round(aspect * 100) / 100}:1`;
}

/** Whether Instagram's feed takes a photo of this aspect as it is (same tolerance as the core's). */
export function inInstagramFeedRange(aspect: number): boolean {
  const epsilon = 0.005;
  return aspect >= INSTAGRAM_FEED_ASPECT.min * (1 - epsilon) && aspect <= INSTAGRAM_FEED_ASPECT.max * (1 + epsilon);
}

export interface PreviewInput {
  platform: Platform;
  kind: PostKind;
  /** The first item's size, when known. */
  size: { width: number; height: number } | null;
  /** Whether the first item is a video. */
  video: boolean;
  /** How many items the post has (a carousel crops all to the first one's ratio). */
  count: number;
  aspectFix: AspectFix | null;
}

/** Whether Instagram shows this post in the feed as a photo or carousel (not a reel or story). */
function instagramFeed(kind: PostKind, video: boolean, count: number): boolean {
  if (kind === "story" || kind === "reel" || kind === "video") return false;
  return count > 1 || !video;
}

export function previewFrame({ platform, kind, size, video, count, aspectFix }: PreviewInput): PreviewFrame {
  const own = size && size.width > 0 && size.height > 0 ? size.width / size.height : null;
  const whole = size ? { x: 0, y: 0, width: size.width, height: size.height } : null;
  const vertical = (pad: "black"): PreviewFrame => {
    if (own === null) return { aspect: VERTICAL_ASPECT, fit: "cover", pad, visible: null, note: null };
    // Close to 9:16 fills the screen; anything else shows whole, with bars.
    if (Math.abs(own - VERTICAL_ASPECT) < 0.02) return { aspect: VERTICAL_ASPECT, fit: "cover", pad, visible: coverBox(size!.width, size!.height, VERTICAL_ASPECT), note: null };
    return { aspect: VERTICAL_ASPECT, fit: "contain", pad, visible: whole, note: `${ratioLabel(own)} shown on a 9:16 screen` };
  };

  if (platform === "tiktok") return vertical("black");
  if (platform === "instagram" && !instagramFeed(kind, video, count)) {
    if (kind === "reel" || kind === "video") {
      // Reels fill the screen, cropped to 9:16 when they are not.
      if (own === null) return { aspect: VERTICAL_ASPECT, fit: "cover", pad: "black", visible: null, note: null };
      const cropped = Math.abs(own - VERTICAL_ASPECT) >= 0.02;
      return {
        aspect: VERTICAL_ASPECT,
        fit: "cover",
        pad: "black",
        visible: coverBox(size!.width, size!.height, VERTICAL_ASPECT),
        note: cropped ? "Cropped to 9:16 on the Reels screen" : null,
      };
    }
    return vertical("black");
  }
  if (platform === "instagram") {
    if (own === null) return { aspect: UNKNOWN_ASPECT.instagram, fit: "cover", pad: "white", visible: null, note: null };
    const target = clamp(own, INSTAGRAM_FEED_ASPECT.min, INSTAGRAM_FEED_ASPECT.max);
    if (inInstagramFeedRange(own)) return { aspect: own, fit: "cover", pad: "white", visible: whole, note: count > 1 ? "Every item is cropped to this shape" : null };
    if (aspectFix === "fit") {
      return { aspect: target, fit: "contain", pad: "white", visible: whole, note: `White bars added up to ${ratioLabel(target)}` };
    }
    const note = aspectFix === "crop" ? `Cropped to ${ratioLabel(target)}` : `Outside 4:5–1.91:1: choose Fit or Crop (shown cropped)`;
    return { aspect: target, fit: "cover", pad: "white", visible: coverBox(size!.width, size!.height, target), note };
  }
  // Facebook shows the picture as it is.
  if (kind === "story") return vertical("black");
  if (own === null) return { aspect: UNKNOWN_ASPECT.facebook, fit: "cover", pad: "white", visible: null, note: null };
  return { aspect: own, fit: "cover", pad: "white", visible: whole, note: null };
}
