// TikTok's required posting controls (Content Sharing Guidelines, tiktok-api.md §7): who can see
// the post, picked from the creator's own options with no default; interactions off unless turned
// on and greyed out where the creator turned them off; the commercial-content disclosure; and
// the consent sentence, worded exactly as TikTok asks (the core's `rules/tiktok.rs`).
import type { NetworkCheck, TikTokCreator, TikTokOptions, TikTokPrivacy } from "./backend/types";
import type { TiktokShape } from "./composeText";

/** TikTok's levels in the app's words (`options.rs` `TikTokPrivacy::label`). */
export const PRIVACY_LABELS: Record<TikTokPrivacy, string> = {
  PUBLIC_TO_EVERYONE: "Everyone",
  MUTUAL_FOLLOW_FRIENDS: "Friends",
  FOLLOWER_OF_CREATOR: "Followers",
  SELF_ONLY: "Only me",
};
const ALL_PRIVACY = Object.keys(PRIVACY_LABELS) as TikTokPrivacy[];

/** Hover text on "Only me" once Branded content is chosen, and on Branded content once "Only me" is (§7 3b). */
export const BRANDED_PRIVATE = "Branded content visibility cannot be set to private.";
/** Why Schedule is off while the disclosure is on with nothing chosen (§7 3a, quoted exactly). */
export const DISCLOSURE_NEEDED = "You need to indicate if your content promotes yourself, a third party, or both.";
export const MUSIC_USAGE_URL = "https://www.tiktok.com/legal/page/global/music-usage-confirmation/en";
export const BRANDED_CONTENT_POLICY_URL = "https://www.tiktok.com/legal/page/global/bc-policy/en";
/** Told after publishing (§7 5d). */
export const PROCESSING_NOTE = "After publishing, it may take a few minutes for the post to process and show on the TikTok profile.";

/** The options a new post starts with: no privacy chosen, everything off. */
export function defaultTiktokOptions(): TikTokOptions {
  return {
    privacy_level: null,
    allow_comment: false,
    allow_duet: false,
    allow_stitch: false,
    your_brand: false,
    branded_content: false,
    ai_generated: false,
    draft_in_app: false,
    cover_timestamp_ms: null,
    photo_title: null,
  };
}

/** The sentence TikTok requires before the publish button (`consent_sentence` in rules/tiktok.rs). */
export function consentSentence(brandedContent: boolean): string {
  return brandedContent
    ? "By posting, you agree to TikTok's Branded Content Policy and Music Usage Confirmation."
    : "By posting, you agree to TikTok's Music Usage Confirmation.";
}

/** The backend's own consent notices (one per TikTok account checked), to show as given. */
export function consentNotices(checks: readonly NetworkCheck[]): string[] {
  return checks
    .filter((c) => c.platform === "tiktok")
    .flatMap((c) => c.notices)
    .filter((n) => n.includes("By posting, you agree"));
}

/** A sentence split into text and the two policy links, for rendering the consent with links. */
export type ConsentPart = { text: string; href: string | null };

export function consentParts(sentence: string): ConsentPart[] {
  const links: [string, string][] = [
    ["Branded Content Policy", BRANDED_CONTENT_POLICY_URL],
    ["Music Usage Confirmation", MUSIC_USAGE_URL],
  ];
  let parts: ConsentPart[] = [{ text: sentence, href: null }];
  for (const [phrase, href] of links) {
    parts = parts.flatMap((part) => {
      if (part.href !== null) return [part];
      const at = part.text.indexOf(phrase);
      if (at < 0) return [part];
      return [
        { text: part.text.slice(0, at), href: null },
        { text: phrase, href },
        { text: part.text.slice(at + phrase.length), href: null },
      ].filter((p) => p.text.length > 0);
    });
  }
  return parts;
}

/** The label the disclosure earns, as TikTok words it (§7 3a); null with nothing chosen. */
export function disclosureLabel(yourBrand: boolean, brandedContent: boolean, shape: TiktokShape): string | null {
  const what = shape === "photos" ? "photo" : "video";
  if (brandedContent) return `Your ${what} will be labeled as 'Paid partnership'`;
  if (yourBrand) return `Your ${what} will be labeled as 'Promotional content'`;
  return null;
}

export interface PrivacyOption {
  value: TikTokPrivacy;
  label: string;
  /** Greyed out (still listed), e.g. "Only me" with Branded content. */
  disabled: boolean;
  reason: string | null;
}

export interface PrivacyChoices {
  options: PrivacyOption[];
  /** Whether TikTok told us the creators' options (otherwise every level is listed). */
  known: boolean;
}

/**
 * The levels to pick from: exactly those every chosen creator offers, in TikTok's order (all four
 * when TikTok has not said); "Only me" greyed out with Branded content.
 */
export function privacyChoices(creators: readonly (TikTokCreator | null)[], brandedContent: boolean): PrivacyChoices {
  const known = creators.filter((c): c is TikTokCreator => c !== null);
  let levels: string[] = known.length === 0 ? [...ALL_PRIVACY] : [...known[0].privacy_level_options];
  for (const creator of known.slice(1)) levels = levels.filter((l) => creator.privacy_level_options.includes(l));
  const options = levels.map((value) => {
    const level = value as TikTokPrivacy;
    const disabled = brandedContent && level === "SELF_ONLY";
    return { value: level, label: PRIVACY_LABELS[level] ?? value, disabled, reason: disabled ? BRANDED_PRIVATE : null };
  });
  return { options, known: known.length > 0 };
}

export type Interaction = "comment" | "duet" | "stitch";

export interface InteractionControl {
  id: Interaction;
  label: string;
  /** Greyed out: a creator turned it off in TikTok. */
  disabled: boolean;
  reason: string | null;
}

/** Allow Comment, Duet, Stitch (photo posts: Comment only), greyed out where a creator turned them off. */
export function interactionControls(creators: readonly (TikTokCreator | null)[], shape: TiktokShape): InteractionControl[] {
  const known = creators.filter((c): c is TikTokCreator => c !== null);
  const control = (id: Interaction, label: string, plural: string, off: (c: TikTokCreator) => boolean): InteractionControl => {
    const refusing = known.find(off);
    return {
      id,
      label,
      disabled: refusing !== undefined,
      reason: refusing ? `${refusing.nickname} has turned off ${plural} on TikTok.` : null,
    };
  };
  const controls = [control("comment", "Comment", "comments", (c) => c.comment_disabled)];
  if (shape === "video") {
    controls.push(
      control("duet", "Duet", "duets", (c) => c.duet_disabled),
      control("stitch", "Stitch", "stitches", (c) => c.stitch_disabled),
    );
  }
  return controls;
}

/** Whether the video goes to the creator's TikTok inbox to finish there (photos always post directly). */
export function goesToInbox(options: TikTokOptions, shape: TiktokShape): boolean {
  return Boolean(options.draft_in_app) && shape === "video";
}

/**
 * What stops a TikTok post from being scheduled before the core is even asked, as sentences:
 * no privacy level, the disclosure on with nothing chosen, Branded content set to private.
 */
export function tiktokProblems(options: TikTokOptions, disclosureOn: boolean, shape: TiktokShape): string[] {
  const problems: string[] = [];
  const inbox = goesToInbox(options, shape);
  if (!inbox && !options.privacy_level) {
    problems.push("Choose who can see this post on TikTok; TikTok requires an explicit choice.");
  }
  if (disclosureOn && !options.your_brand && !options.branded_content) problems.push(DISCLOSURE_NEEDED);
  if (!inbox && options.branded_content && options.privacy_level === "SELF_ONLY") {
    problems.push("Branded content visibility cannot be set to private: choose Everyone or Friends, or turn off Branded content.");
  }
  return problems;
}

/**
 * The options after a change, kept consistent: interactions a creator turned off stay off,
 * duet and stitch are off for photos, the disclosure's choices clear when it is turned off.
 */
export function settleTiktokOptions(
  options: TikTokOptions,
  disclosureOn: boolean,
  creators: readonly (TikTokCreator | null)[],
  shape: TiktokShape,
): TikTokOptions {
  const next = { ...options };
  for (const control of interactionControls(creators, "video")) {
    const key = `allow_${control.id}` as const;
    if (control.disabled) next[key] = false;
  }
  if (shape === "photos") {
    next.allow_duet = false;
    next.allow_stitch = false;
    next.draft_in_app = false;
    next.cover_timestamp_ms = null;
  } else {
    next.photo_title = null;
  }
  if (!disclosureOn) {
    next.your_brand = false;
    next.branded_content = false;
  }
  return next;
}
