// Which post kinds a set of media allows, and what each kind becomes on each network.
// A post has one kind for all its networks; these mirror the core's rules so the composer can
// offer only kinds that work: Instagram `src-tauri/core/src/rules/instagram.rs` (`shape`),
// TikTok `rules/tiktok.rs` (`shape`), Facebook `src-tauri/platforms/src/facebook.rs`
// (`photos_of`) and `facebook_video.rs` (`plan`). The core checks again before scheduling.
import type { Platform, PostKind } from "./backend/types";
import { PLATFORM_LABELS } from "./posts";

export type MediaKind = "image" | "video";

/** Every kind, in the order the composer lists them. */
export const POST_KINDS: readonly PostKind[] = ["post", "photo", "carousel", "video", "reel", "story"];

export const KIND_LABELS: Record<PostKind, string> = {
  post: "Post",
  photo: "Photo",
  carousel: "Carousel",
  video: "Video",
  reel: "Reel",
  story: "Story",
};

/** Instagram carousels take 2 to 10 items (meta-api.md §1.7). */
export const INSTAGRAM_CAROUSEL = { min: 2, max: 10 } as const;
/** Facebook photo posts: at most 10 photos (facebook.rs `MAX_PHOTOS`). */
export const FACEBOOK_MAX_PHOTOS = 10;
/** TikTok photo posts: 1 to 35 photos (tiktok-api.md §3.7). */
export const TIKTOK_MAX_PHOTOS = 35;

/** What a kind becomes on one network: a shape ("Reel") or why it can't be published there. */
export type KindOutcome = { ok: true; shape: string } | { ok: false; reason: string };

const ok = (shape: string): KindOutcome => ({ ok: true, shape });
const no = (reason: string): KindOutcome => ({ ok: false, reason });

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function instagramOutcome(kind: PostKind, media: readonly MediaKind[]): KindOutcome {
  const n = media.length;
  const first = media[0];
  if (n === 0) return no("Instagram posts need a photo or a video.");
  switch (kind) {
    case "post":
    case "photo":
      if (n === 1 && first === "image") return ok("Feed photo");
      if (n === 1) return no("Instagram publishes single videos as reels: choose Reel.");
      return no(`Several files go to Instagram as a carousel: choose Carousel.`);
    case "carousel":
      if (n < INSTAGRAM_CAROUSEL.min || n > INSTAGRAM_CAROUSEL.max) {
        return no(`Instagram carousels take ${INSTAGRAM_CAROUSEL.min} to ${INSTAGRAM_CAROUSEL.max} items; this post has ${n}.`);
      }
      return ok(`Carousel of ${n}`);
    case "reel":
      if (n > 1) return no(`A reel takes exactly one file; this post has ${n}.`);
      return first === "video" ? ok("Reel") : no("A reel is a video; choose Post or Story for a photo.");
    case "story":
      if (n > 1) return no(`A story takes exactly one file; this post has ${n}.`);
      return ok(first === "image" ? "Story (photo)" : "Story (video)");
    case "video":
      return no("Instagram publishes videos as reels: choose Reel.");
  }
}

export function facebookOutcome(kind: PostKind, media: readonly MediaKind[]): KindOutcome {
  const n = media.length;
  const videos = media.filter((m) => m === "video").length;
  if (kind === "story") {
    if (n === 1) return ok(media[0] === "video" ? "Story (video)" : "Story (photo)");
    return no(n === 0 ? "A Facebook story needs one photo or one video." : `A Facebook story takes one file; this post has ${n}.`);
  }
  if (kind === "reel") {
    return n === 1 && videos === 1 ? ok("Reel") : no("A Facebook reel needs exactly one video (and no photos).");
  }
  if (videos > 0 || kind === "video") {
    if (n === 1 && videos === 1) return ok("Video post");
    if (videos === 0) return no("A video post needs one video.");
    if (videos > 1) return no(`A Facebook post takes one video; this post has ${videos}.`);
    return no("A Facebook post takes either photos or one video, not both.");
  }
  if (n > FACEBOOK_MAX_PHOTOS) return no(`Facebook takes at most ${FACEBOOK_MAX_PHOTOS} photos in one post; this post has ${n}.`);
  if (n === 0) return ok("Text post");
  return ok(n === 1 ? "Photo post" : `Post with ${n} photos`);
}

export function tiktokOutcome(kind: PostKind, media: readonly MediaKind[]): KindOutcome {
  const videos = media.filter((m) => m === "video").length;
  const photos = media.length - videos;
  if (videos === 0 && photos === 0) return no("TikTok posts need a video or photos.");
  if (videos === 1 && photos === 0 && kind !== "story") return ok("Video");
  if (videos === 0 && photos <= TIKTOK_MAX_PHOTOS && kind !== "reel") return ok(photos === 1 ? "Photo post" : `Photo post (${photos})`);
  if (videos === 0 && photos > TIKTOK_MAX_PHOTOS) {
    return no(`TikTok photo posts take 1 to ${TIKTOK_MAX_PHOTOS} photos; this post has ${photos}.`);
  }
  if (videos > 0 && photos > 0) return no("TikTok posts are either one video or photos, not both.");
  if (videos > 1) return no(`A TikTok post takes one video; this post has ${plural(videos, "video")}.`);
  return no(`TikTok has no ${KIND_LABELS[kind].toLowerCase()}; choose Video or Photo.`);
}

export function kindOutcome(platform: Platform, kind: PostKind, media: readonly MediaKind[]): KindOutcome {
  switch (platform) {
    case "instagram":
      return instagramOutcome(kind, media);
    case "facebook":
      return facebookOutcome(kind, media);
    case "tiktok":
      return tiktokOutcome(kind, media);
  }
}

/** One kind as the composer offers it: allowed when every chosen network takes it. */
export interface KindChoice {
  kind: PostKind;
  label: string;
  /** Per chosen network, in the order given. */
  outcomes: { platform: Platform; outcome: KindOutcome }[];
  allowed: boolean;
  /** Why not, when not allowed: the first refusal, e.g. "Instagram: A reel is a video…". */
  reason: string | null;
}

/** Whether a kind is worth listing for these media ("Reel" is not, for three photos). */
function fitsMedia(kind: PostKind, media: readonly MediaKind[]): boolean {
  const videos = media.filter((m) => m === "video").length;
  switch (kind) {
    case "post":
      return true;
    case "photo":
      // The same as "Post" wherever it is accepted; listed only for posts saved with it.
      return false;
    case "carousel":
      return media.length >= 2;
    case "video":
    case "reel":
      return videos > 0;
    case "story":
      return media.length === 1;
  }
}

export function kindChoice(kind: PostKind, media: readonly MediaKind[], platforms: readonly Platform[]): KindChoice {
  // With no network chosen yet, every network counts.
  const networks: Platform[] = platforms.length > 0 ? [...platforms] : ["instagram", "facebook", "tiktok"];
  const outcomes = networks.map((platform) => ({ platform, outcome: kindOutcome(platform, kind, media) }));
  const refused = outcomes.find((o) => !o.outcome.ok);
  return {
    kind,
    label: KIND_LABELS[kind],
    outcomes,
    allowed: !refused,
    reason: refused && !refused.outcome.ok ? `${PLATFORM_LABELS[refused.platform]}: ${refused.outcome.reason}` : null,
  };
}

/** The kinds to list for these media and networks (and `current`, always), each with what it becomes where. */
export function kindChoices(media: readonly MediaKind[], platforms: readonly Platform[], current?: PostKind): KindChoice[] {
  return POST_KINDS.filter((kind) => kind === current || fitsMedia(kind, media)).map((kind) =>
    kindChoice(kind, media, platforms),
  );
}

/** The kind a set of media suggests: one video → reel, several files → carousel, else a post. */
export function defaultKind(media: readonly MediaKind[]): PostKind {
  if (media.length === 1 && media[0] === "video") return "reel";
  if (media.length > 1) return "carousel";
  return "post";
}

/**
 * The kind to use after the media or networks changed: `current` while every network still
 * takes it (a story stays a story), otherwise the suggested kind, otherwise the first allowed
 * one. When no kind suits every network (photos and a video for Facebook), the one most
 * networks take, `current` winning ties (the checks say what to fix).
 */
export function settleKind(current: PostKind, media: readonly MediaKind[], platforms: readonly Platform[]): PostKind {
  if (kindChoice(current, media, platforms).allowed) return current;
  const suggested = defaultKind(media);
  if (kindChoice(suggested, media, platforms).allowed) return suggested;
  const choices = kindChoices(media, platforms, current);
  const allowed = choices.find((c) => c.allowed);
  if (allowed) return allowed.kind;
  const score = (kind: PostKind) => kindChoice(kind, media, platforms).outcomes.filter((o) => o.outcome.ok).length;
  let best = current;
  for (const kind of [suggested, ...choices.map((c) => c.kind)]) if (score(kind) > score(best)) best = kind;
  return best;
}
