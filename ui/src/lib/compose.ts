// The composer's form: what it starts from (a new post, a clicked day, or a saved post), what it
// sends to the core (`PostDraft`), and whether Save draft / Schedule / Publish now can go ahead.
import type {
  AccountView,
  InstagramOptions,
  MediaFacts,
  NetworkCheck,
  Platform,
  PostDraft,
  PostKind,
  PostView,
  TikTokOptions,
} from "./backend/types";
import { kindOutcome, type MediaKind } from "./composeKinds";
import { fileName, isJpegPath, outsideInstagramFeed, type ComposeMedia } from "./composeMedia";
import { ratioLabel } from "./composePreview";
import { captionCounter, INSTAGRAM_LIMITS, textMeter, TIKTOK_LIMITS, type CaptionCounter, type TiktokShape } from "./composeText";
import { consentNotices, defaultTiktokOptions, settleTiktokOptions, tiktokProblems } from "./composeTiktok";
import { instantToAt, joinAt, splitAt, timeProblem } from "./composeTime";
import { PLATFORM_LABELS } from "./posts";

/** The networks in the order the composer shows them. */
export const PLATFORMS: readonly Platform[] = ["instagram", "facebook", "tiktok"];

export interface ComposeForm {
  accounts: number[];
  /** The caption every network gets unless customised. */
  caption: string;
  /** Networks with their own caption ("Customize for Instagram"); absent = the shared one. */
  overrides: Partial<Record<Platform, string>>;
  kind: PostKind;
  media: ComposeMedia[];
  instagram: InstagramOptions;
  tiktok: TikTokOptions;
  /** TikTok's "Disclose video content" switch; its two choices live in `tiktok`. */
  disclose: boolean;
  /** "YYYY-MM-DD" and "HH:MM" in `timezone`; empty for none. */
  date: string;
  time: string;
  timezone: string;
}

/** Whether an account can be posted to now. */
export function usable(account: AccountView): boolean {
  return account.status === "connected";
}

/** Why an account can't be chosen, as a sentence; null when it can. */
export function accountProblem(account: AccountView): string | null {
  if (account.status === "needs_reconnect") return account.reconnect_reason || "This account needs to be connected again (Settings → Accounts).";
  if (account.status === "disconnected") return "This account is disconnected; connect it again in Settings → Accounts.";
  return null;
}

/** "LB" for "Linden Bakery", "LI" for "@lindenbakery": the avatar's letters. */
export function initials(name: string): string {
  const words = name.replace(/^@/, "").split(/[\s._-]+/).filter(Boolean);
  if (words.length === 0) return "?";
  const letters = words.length === 1 ? Array.from(words[0]).slice(0, 2) : [Array.from(words[0])[0], Array.from(words[1])[0]];
  return letters.join("").toLocaleUpperCase();
}

/** A new post: at `at` ("YYYY-MM-DDTHH:MM" in `timezone`, or none); the only usable account chosen when there is one. */
export function newForm({ at, timezone, accounts }: { at: string | null; timezone: string; accounts: readonly AccountView[] }): ComposeForm {
  const open = accounts.filter(usable);
  return {
    accounts: open.length === 1 ? [open[0].id] : [],
    caption: "",
    overrides: {},
    kind: "post",
    media: [],
    instagram: {},
    tiktok: defaultTiktokOptions(),
    disclose: false,
    ...splitAt(at),
    timezone,
  };
}

/** The form for editing a saved post: its accounts, captions (a target's own caption overrides its network's), options, media and time. */
export function formFromPost(post: PostView): ComposeForm {
  const overrides: Partial<Record<Platform, string>> = {};
  for (const target of post.targets) {
    if (target.caption !== null && target.caption !== undefined && overrides[target.platform] === undefined) {
      overrides[target.platform] = target.caption;
    }
  }
  const tiktok = { ...defaultTiktokOptions(), ...(post.options.tiktok ?? {}) };
  return {
    accounts: post.targets.map((t) => t.account_id),
    caption: post.caption,
    overrides,
    kind: post.kind,
    media: post.media.map((m) => ({ path: m.path, alt_text: m.alt_text ?? "" })),
    instagram: { ...(post.options.instagram ?? {}) },
    tiktok,
    disclose: Boolean(tiktok.your_brand || tiktok.branded_content),
    ...splitAt(post.due_at ? instantToAt(post.due_at, post.timezone) : null),
    timezone: post.timezone,
  };
}

/** The networks of the chosen accounts, in the composer's order. */
export function selectedPlatforms(form: Pick<ComposeForm, "accounts">, accounts: readonly AccountView[]): Platform[] {
  const chosen = new Set(accounts.filter((a) => form.accounts.includes(a.id)).map((a) => a.platform));
  return PLATFORMS.filter((p) => chosen.has(p));
}

/** The caption a network gets: its own when customised, else the shared one. */
export function captionFor(form: Pick<ComposeForm, "caption" | "overrides">, platform: Platform): string {
  return form.overrides[platform] ?? form.caption;
}

/** What TikTok makes of these media: photos when there is no video. */
export function tiktokShapeOf(kinds: readonly MediaKind[]): TiktokShape {
  return kinds.length > 0 && kinds.every((k) => k === "image") ? "photos" : "video";
}

function cleanInstagram(options: InstagramOptions): InstagramOptions {
  const clean: InstagramOptions = {};
  const comment = options.first_comment?.trim() ? options.first_comment : null;
  if (comment) clean.first_comment = comment;
  if (options.share_to_feed !== null && options.share_to_feed !== undefined) clean.share_to_feed = options.share_to_feed;
  if (options.cover) clean.cover = options.cover;
  if (options.thumb_offset_ms !== null && options.thumb_offset_ms !== undefined) clean.thumb_offset_ms = options.thumb_offset_ms;
  if (options.aspect_fix) clean.aspect_fix = options.aspect_fix;
  return clean;
}

/** What the core gets: overrides only for chosen networks, empty alt texts and comments left out. */
export function toDraft(form: ComposeForm, platforms: readonly Platform[], tiktokShape: TiktokShape): PostDraft {
  const captions: PostDraft["captions"] = {};
  for (const p of platforms) {
    const own = form.overrides[p];
    if (own !== undefined) captions[p] = own;
  }
  const tiktok = settleTiktokOptions(form.tiktok, form.disclose, [], tiktokShape);
  if (tiktok.photo_title !== null && tiktok.photo_title !== undefined && !tiktok.photo_title.trim()) tiktok.photo_title = null;
  return {
    caption: form.caption,
    captions,
    kind: form.kind,
    accounts: [...form.accounts],
    media: form.media.map((m) => ({ path: m.path, alt_text: m.alt_text.trim() ? m.alt_text : null })),
    options: { instagram: cleanInstagram(form.instagram), tiktok },
    at: joinAt(form.date, form.time),
    timezone: form.timezone,
  };
}

/** A stable key of a draft, to tell whether anything changed (and whether to check again). */
export function draftKey(draft: PostDraft, extra: unknown = null): string {
  return JSON.stringify([draft, extra]);
}

/** A problem the composer sees by itself, before asking the core. */
export interface ClientProblem {
  platform: Platform | null;
  text: string;
}

export interface ProblemInput {
  form: ComposeForm;
  platforms: readonly Platform[];
  kinds: readonly MediaKind[];
  facts: ReadonlyMap<string, MediaFacts>;
}

/** Every network's caption counter, for the chosen networks. */
export function counters(form: ComposeForm, platforms: readonly Platform[], kinds: readonly MediaKind[]): CaptionCounter[] {
  const shape = tiktokShapeOf(kinds);
  return platforms.map((p) =>
    captionCounter(p, captionFor(form, p), { story: p === "instagram" && form.kind === "story", tiktokShape: shape }),
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * What stops Schedule that the composer can tell at once: files it can't use, a kind a network
 * refuses, text over a limit, TikTok's required choices.
 */
export function clientProblems({ form, platforms, kinds, facts }: ProblemInput): ClientProblem[] {
  const problems: ClientProblem[] = [];
  for (const m of form.media) {
    const problem = facts.get(m.path)?.problem;
    if (problem) problems.push({ platform: null, text: `${fileName(m.path)}: ${problem}` });
  }
  for (const p of platforms) {
    const outcome = kindOutcome(p, form.kind, kinds);
    if (!outcome.ok) problems.push({ platform: p, text: outcome.reason });
  }
  for (const counter of counters(form, platforms, kinds)) {
    const label = PLATFORM_LABELS[counter.platform];
    if (counter.length.over) {
      problems.push({
        platform: counter.platform,
        text: `The ${label} ${counter.label.toLowerCase()} is ${counter.length.used - counter.length.limit} ${counter.length.unit} too long.`,
      });
    }
    if (counter.hashtags?.over) {
      problems.push({ platform: counter.platform, text: `${label} takes up to ${counter.hashtags.limit} hashtags; this has ${counter.hashtags.used}.` });
    }
    if (counter.mentions?.over) {
      problems.push({ platform: counter.platform, text: `${label} takes up to ${counter.mentions.limit} @mentions; this has ${counter.mentions.used}.` });
    }
  }
  if (platforms.includes("instagram")) {
    const comment = textMeter(form.instagram.first_comment ?? "", INSTAGRAM_LIMITS.firstComment);
    if (comment.over) problems.push({ platform: "instagram", text: `The first comment is ${plural(comment.used - comment.limit, "character")} too long.` });
    form.media.forEach((m, i) => {
      const alt = textMeter(m.alt_text, INSTAGRAM_LIMITS.altText);
      if (alt.over) problems.push({ platform: "instagram", text: `The alt text of item ${i + 1} is ${plural(alt.used - alt.limit, "character")} too long.` });
    });
    const feed = form.kind === "post" || form.kind === "photo" || form.kind === "carousel";
    const outside = form.media.findIndex((m) => outsideInstagramFeed(facts.get(m.path)));
    if (feed && outside >= 0 && !form.instagram.aspect_fix) {
      const { width, height } = facts.get(form.media[outside].path)!;
      const which = form.media.length > 1 ? `Item ${outside + 1} is` : "This photo is";
      problems.push({
        platform: "instagram",
        text: `${which} ${ratioLabel(width! / height!)}; Instagram feed photos must be between 4:5 and 1.91:1: choose Fit or Crop.`,
      });
    }
    if (form.kind === "reel" && form.instagram.cover && !isJpegPath(form.instagram.cover)) {
      problems.push({ platform: "instagram", text: "The reel cover must be a JPEG image." });
    }
  }
  if (platforms.includes("tiktok")) {
    const shape = tiktokShapeOf(kinds);
    for (const text of tiktokProblems(form.tiktok, form.disclose, shape)) problems.push({ platform: "tiktok", text });
    if (shape === "photos") {
      const title = textMeter(form.tiktok.photo_title ?? "", TIKTOK_LIMITS.photoTitle, "UTF-16 units");
      if (title.over) problems.push({ platform: "tiktok", text: `The TikTok photo title is ${title.used - title.limit} UTF-16 units too long.` });
    }
  }
  return problems;
}

export interface ActionState {
  enabled: boolean;
  /** Why not, as a sentence (the button's tooltip and the line under the buttons). */
  reason: string | null;
}

export interface ComposeActions {
  draft: ActionState;
  schedule: ActionState;
  publishNow: ActionState;
}

export interface ActionInput {
  form: ComposeForm;
  accounts: readonly AccountView[];
  problems: readonly ClientProblem[];
  /** The core's last answer (null while none). */
  checks: readonly NetworkCheck[] | null;
  /** A refusal of the draft itself by the core (e.g. a time in a DST gap), shown as given. */
  refusal: string | null;
  now: Date;
  busy: boolean;
}

const OK: ActionState = { enabled: true, reason: null };

/** Whether each button can go ahead, and why not. Save draft always can (unless saving). */
export function composeActions({ form, accounts, problems, checks, refusal, now, busy }: ActionInput): ComposeActions {
  if (busy) {
    const saving = { enabled: false, reason: "Saving…" };
    return { draft: saving, schedule: saving, publishNow: saving };
  }
  const blocked = (reason: string): ActionState => ({ enabled: false, reason });
  const common = (): string | null => {
    if (form.accounts.length === 0) return "Choose at least one account to post to.";
    const stuck = accounts.find((a) => form.accounts.includes(a.id) && !usable(a));
    if (stuck) return `${stuck.name} can't publish: ${accountProblem(stuck)}`;
    if (form.media.length === 0 && form.caption.trim() === "" && Object.values(form.overrides).every((c) => !c?.trim())) {
      return "Write a caption or add a photo or video.";
    }
    if (problems.length > 0) return problems[0].text;
    if (refusal) return refusal;
    const violations = (checks ?? []).reduce((n, c) => n + c.violations.length, 0);
    if (violations > 0) return violations === 1 ? "Fix the problem under Checks first." : `Fix the ${violations} problems under Checks first.`;
    return null;
  };
  const reason = common();
  const time = timeProblem(form.date, form.time, form.timezone, now);
  return {
    draft: OK,
    schedule: reason ? blocked(reason) : time ? blocked(time) : OK,
    publishNow: reason ? blocked(reason) : OK,
  };
}

/** One group of the Checks list: one account (or network) and what the core said about it. */
export interface CheckGroup {
  platform: Platform | null;
  label: string;
  violations: { code: string; text: string }[];
  changes: string[];
  notices: string[];
}

/**
 * The core's checks, one group per account, labelled "Instagram · @acme"; TikTok's consent
 * sentence is left out (the composer shows it by the publish buttons). Groups with nothing to
 * say are left out.
 */
export function checkGroups(checks: readonly NetworkCheck[]): CheckGroup[] {
  const consent = new Set(consentNotices(checks));
  return checks
    .map((c) => ({
      platform: c.platform,
      label: [c.platform ? PLATFORM_LABELS[c.platform] : "All networks", c.account].filter(Boolean).join(" · "),
      violations: c.violations.map((v) => ({ code: v.code, text: v.message })),
      changes: [...c.changes],
      notices: c.notices.filter((n) => !consent.has(n)),
    }))
    .filter((g) => g.violations.length + g.changes.length + g.notices.length > 0);
}

/**
 * The composer's own problems worth listing under Checks: those of networks the core has not
 * (yet) found anything wrong with. The core's violations are the authority and say more; the
 * composer's fill the gaps (networks the core doesn't check, the moment before it answers).
 */
export function uncheckedProblems(problems: readonly ClientProblem[], checks: readonly NetworkCheck[] | null): ClientProblem[] {
  const flagged = new Set((checks ?? []).filter((c) => c.violations.length > 0).map((c) => c.platform));
  return problems.filter((p) => (p.platform === null ? flagged.size === 0 : !flagged.has(p.platform)));
}
