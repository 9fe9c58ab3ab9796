// In-memory Backend: used by unit tests and to run the UI in a plain browser (`?fake`).
// It mimics the core's rules closely enough to exercise the UI, errors included.
import { appForm, TIKTOK_REDIRECT_URI, toDeveloperAppForm, validateAppForm } from "../apps";
import { PLATFORM_LABELS } from "../posts";
import { settingsErrors, toRelaySettings } from "../relay";
import { sameTimeOnDate } from "../time";
import { Temporal } from "temporal-polyfill";
import {
  BackendError,
  type AccountView,
  type AppStatus,
  type AttemptView,
  type Backend,
  type DeveloperApp,
  type MediaFacts,
  type MediaView,
  type NetworkCheck,
  type Platform,
  type PostDraft,
  type PostIntent,
  type PostView,
  type RelaySettings,
  type SignInFinished,
  type TargetView,
  type TikTokCreator,
} from "./types";

export interface FakeData {
  posts: PostView[];
  accounts: AccountView[];
  status: AppStatus;
  /** What `checkPost` answers, by post id; other posts pass on every network they target. */
  checks?: Record<number, NetworkCheck[]>;
  /** The media relay in effect (its secret is never kept). */
  relay?: RelaySettings | null;
  /** The developer apps set up (their secrets count as stored). */
  apps?: DeveloperApp[];
  /** Milliseconds after `startSignIn` when the sign-in finishes by itself (as if the browser came back); never if unset. */
  signInAfterMs?: number;
  /** What `getTiktokCreator` answers, by account id (null for the others). */
  creators?: Record<number, TikTokCreator>;
  /** The time of day a draft dropped on a day is scheduled at ("HH:MM"); "09:00" if unset. */
  defaultPostTime?: string;
  /** What the file dialog of `pickMedia` "chooses"; nothing if unset. */
  picked?: string[];
  /** What `getPostHistory` answers, by post id (no attempts for the others). */
  history?: Record<number, AttemptView[]>;
  /** What `moveWarnings` answers, by post id (none for the others). */
  moveWarnings?: Record<number, string[]>;
}

/** The fake backend, plus what tests can do to it from outside. */
export interface FakeBackend extends Backend {
  /** Acts as if files were dropped from the desktop onto the window. */
  dropFiles(paths: string[]): void;
}

/** How each network counts and limits a caption (the fake's only content rule). */
const CAPTION_LIMITS: Record<Platform, { limit: number; utf16: boolean }> = {
  instagram: { limit: 2200, utf16: false },
  facebook: { limit: 63_206, utf16: false },
  tiktok: { limit: 2200, utf16: true },
};

/** Media types the fake recognises, by file extension. */
const MEDIA_TYPES: Record<string, { kind: "image" | "video"; mime: string }> = {
  jpg: { kind: "image", mime: "image/jpeg" },
  jpeg: { kind: "image", mime: "image/jpeg" },
  png: { kind: "image", mime: "image/png" },
  webp: { kind: "image", mime: "image/webp" },
  gif: { kind: "image", mime: "image/gif" },
  heic: { kind: "image", mime: "image/heic" },
  mp4: { kind: "video", mime: "video/mp4" },
  mov: { kind: "video", mime: "video/quicktime" },
};

const WALL_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
/** How far in the past a new due time may be (as in the core). */
const PAST_TOLERANCE_MS = 60_000;

function mediaType(path: string) {
  const ext = path.split(/[\\/]/).pop()?.split(".").pop()?.toLowerCase() ?? "";
  return MEDIA_TYPES[ext];
}

/** The instant of a wall-clock time ("YYYY-MM-DDTHH:MM") in `timeZone`; DST gaps and folds refused like the core does. */
function wallTimeToInstant(at: string, timeZone: string): string {
  if (!WALL_TIME_RE.test(at)) throw new BackendError("invalid_input", `"${at}" is not a time (YYYY-MM-DDTHH:MM).`);
  let plain: Temporal.PlainDateTime;
  let zoned: Temporal.ZonedDateTime;
  try {
    plain = Temporal.PlainDateTime.from(at);
  } catch {
    throw new BackendError("invalid_input", `"${at}" is not a time (YYYY-MM-DDTHH:MM).`);
  }
  try {
    zoned = plain.toZonedDateTime(timeZone, { disambiguation: "earlier" });
  } catch {
    throw new BackendError("invalid_input", `Unknown time zone "${timeZone}".`);
  }
  const later = plain.toZonedDateTime(timeZone, { disambiguation: "later" });
  if (!zoned.toPlainDateTime().equals(plain)) {
    throw new BackendError(
      "invalid_input",
      `${at} does not exist in ${timeZone}: the clocks jump forward for daylight saving time; pick a time outside that gap.`,
    );
  }
  if (!zoned.equals(later)) {
    throw new BackendError("invalid_input", `${at} happens twice in ${timeZone} when the clocks go back; pick another time.`);
  }
  return zoned.toInstant().toString();
}

/** The caption `platform` gets: its override, or the shared one. */
function captionOn(draft: PostDraft, platform: Platform): string {
  return draft.captions[platform] ?? draft.caption;
}

export interface FakeOptions {
  /** The clock used to refuse moves into the past; defaults to the real one. */
  now?: () => Date;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
// A pasted sign-in link: herald://oauth/<platform>?code=…&state=… (or error=…).
const LINK_RE = /^herald:\/\/oauth\/(instagram|facebook)\?(.+)$/;

export function createFakeBackend(initial: FakeData, { now = () => new Date() }: FakeOptions = {}): FakeBackend {
  // Deep copies, so callers can't mutate our state and we can't mutate theirs.
  const data: FakeData = structuredClone(initial);
  const listeners = new Set<() => void>();
  const signInListeners = new Set<(outcome: SignInFinished) => void>();
  const dropListeners = new Set<(paths: string[]) => void>();
  data.apps ??= [];
  const copy = <T>(value: T): T => structuredClone(value);

  function notify() {
    for (const cb of listeners) cb();
  }

  function find(id: number): PostView {
    const post = data.posts.find((p) => p.id === id);
    if (!post) throw new BackendError("not_found", `Post ${id} does not exist.`);
    return post;
  }

  /** A sign-in that went well: reconnects the account of that platform that needs it, or adds one. */
  function connect(platform: Platform): SignInFinished {
    let account = data.accounts.find((a) => a.platform === platform && !a.simulated && a.status !== "connected");
    // Like Instagram's long-lived tokens: 60 days.
    const token_expires_at = platform === "instagram" ? new Date(now().getTime() + 60 * 24 * 3_600_000).toISOString() : null;
    if (account) {
      Object.assign(account, { status: "connected", reconnect_reason: null, token_expires_at });
    } else {
      const id = Math.max(0, ...data.accounts.map((a) => a.id)) + 1;
      const name = platform === "facebook" ? "New Page" : "@new.account";
      account = { id, platform, name, status: "connected", simulated: false, reconnect_reason: null, token_expires_at };
      data.accounts.push(account);
    }
    notify();
    return { platform, ok: true, message: `Connected ${PLATFORM_LABELS[platform]} account ${account.name}.`, accounts: [copy(account)] };
  }

  function setDueAt(post: PostView, at: string): PostView {
    if (post.targets.some((t) => t.status === "published" || t.status === "publishing")) {
      throw new BackendError("conflict", "This post is already published and can't be moved.");
    }
    if (Date.parse(at) <= now().getTime()) {
      throw new BackendError("invalid_input", "A post can't be scheduled in the past.");
    }
    post.due_at = at;
    for (const t of post.targets) if (t.status === "missed" || t.status === "failed") t.status = "scheduled";
    notify();
    return copy(post);
  }

  function account(id: number): AccountView {
    const found = data.accounts.find((a) => a.id === id);
    if (!found) throw new BackendError("not_found", `Account ${id} does not exist.`);
    return found;
  }

  function nextPostId(): number {
    return Math.max(0, ...data.posts.map((p) => p.id)) + 1;
  }

  function nextMediaId(): number {
    return Math.max(0, ...data.posts.flatMap((p) => p.media.map((m) => m.id))) + 1;
  }

  /** One check per selected account, with the fake's only rule: the caption's length on that network. */
  function checksFor(draft: PostDraft): NetworkCheck[] {
    return [...new Set(draft.accounts)].map((id) => {
      const { platform, name, status } = account(id);
      const { limit, utf16 } = CAPTION_LIMITS[platform];
      const caption = captionOn(draft, platform);
      const used = utf16 ? caption.length : Array.from(caption).length;
      const violations = [];
      if (status === "disconnected") {
        violations.push({
          code: "account_disconnected",
          message: `${name} is disconnected; connect it again (Settings → Accounts) before posting to it.`,
        });
      }
      if (used > limit) {
        violations.push({
          code: "caption_length",
          message: `This caption is ${used.toLocaleString("en")} ${utf16 ? "UTF-16 units" : "characters"}; ${PLATFORM_LABELS[platform]} allows ${limit.toLocaleString("en")}.`,
        });
      }
      return { platform, account: name, violations, changes: [], notices: [] };
    });
  }

  /** Refuses a post that breaks a rule, naming every broken rule (as the core does). */
  function refuseViolations(checks: NetworkCheck[]) {
    const problems = checks.flatMap((c) => c.violations.map((v) => `${c.platform ? PLATFORM_LABELS[c.platform] : "?"}: ${v.message}`));
    if (problems.length > 0) {
      throw new BackendError(
        "invalid_input",
        `The post cannot be scheduled as it is (save it as a draft to keep it): ${[...new Set(problems)].join(" ")}`,
      );
    }
  }

  function refusePast(at: string) {
    if (Date.parse(at) < now().getTime() - PAST_TOLERANCE_MS) {
      throw new BackendError("invalid_input", `${at} has already passed; pick a time in the future.`);
    }
  }

  /** The draft a post would be edited as (for checks on existing posts). */
  function draftOf(post: PostView): PostDraft {
    const captions: PostDraft["captions"] = {};
    for (const t of post.targets) if (t.caption != null) captions[t.platform] = t.caption;
    return {
      caption: post.caption,
      captions,
      kind: post.kind,
      accounts: post.targets.map((t) => t.account_id),
      media: post.media.map((m) => ({ path: m.path, alt_text: m.alt_text ?? null })),
      options: post.options,
      at: null,
      timezone: post.timezone,
    };
  }

  /** The post `draft` describes under `id`, after the same checks as the core. */
  function build(id: number, draft: PostDraft, intent: PostIntent, mediaFrom = nextMediaId()): PostView {
    let due_at: string | null = null;
    if (intent === "publish_now") {
      due_at = now().toISOString();
      // Still checks the zone and the wall-clock time, if any.
      if (draft.at) wallTimeToInstant(draft.at, draft.timezone);
    } else if (draft.at) {
      due_at = wallTimeToInstant(draft.at, draft.timezone);
    } else if (intent === "schedule") {
      throw new BackendError("invalid_input", "A scheduled post needs a date and time; only drafts may have none.");
    }
    if (intent === "schedule" && due_at) refusePast(due_at);
    const accounts = [...new Set(draft.accounts)].sort((a, b) => a - b).map(account);
    const disconnected = accounts.find((a) => a.status === "disconnected");
    if (disconnected) {
      throw new BackendError("conflict", `${disconnected.name} is disconnected; connect it again before posting to it.`);
    }
    if (intent !== "draft") {
      if (accounts.length === 0) throw new BackendError("invalid_input", "Choose at least one account to post to.");
      refuseViolations(checksFor(draft));
    }
    const status = intent === "draft" ? "draft" : "scheduled";
    const targets: TargetView[] = accounts.map((a) => ({
      account_id: a.id,
      account_name: a.name,
      platform: a.platform,
      status,
      caption: draft.captions[a.platform] ?? null,
    }));
    const media: MediaView[] = draft.media.map((m, i) => {
      const type = mediaType(m.path);
      if (!type) throw new BackendError("invalid_input", `${m.path} is not a photo or video Herald can use.`);
      return { id: mediaFrom + i, path: m.path, kind: type.kind, mime: type.mime, size_bytes: 0, alt_text: m.alt_text };
    });
    return {
      id,
      caption: draft.caption,
      due_at,
      timezone: draft.timezone,
      kind: draft.kind,
      draft: intent === "draft",
      media,
      targets,
      options: structuredClone(draft.options),
    };
  }

  function refuseLive(post: PostView, what: string) {
    const live = post.targets.find((t) => t.status === "published" || t.status === "publishing");
    if (live) {
      throw new BackendError(
        "conflict",
        `Post ${post.id} is already ${live.status} on ${live.account_name} and can't be ${what}; duplicate it instead.`,
      );
    }
  }

  return {
    dropFiles(paths) {
      for (const cb of dropListeners) cb([...paths]);
    },
    async validatePost(draft) {
      return copy(checksFor(draft));
    },
    async createPost(draft, intent) {
      const post = build(nextPostId(), draft, intent);
      data.posts.push(post);
      notify();
      return copy(post);
    },
    async updatePost(id, draft, intent) {
      const old = find(id);
      refuseLive(old, "changed");
      const post = build(id, draft, intent);
      data.posts[data.posts.indexOf(old)] = post;
      notify();
      return copy(post);
    },
    async deletePost(id) {
      const post = find(id);
      if (post.targets.some((t) => t.status === "publishing")) {
        throw new BackendError("conflict", `Post ${id} is being published right now; wait until it finishes.`);
      }
      data.posts = data.posts.filter((p) => p !== post);
      notify();
      return null;
    },
    async duplicatePost(id, at) {
      const source = find(id);
      let due_at: string | null = null;
      if (at !== null) {
        if (Number.isNaN(Date.parse(at))) throw new BackendError("invalid_input", `"${at}" is not a valid time.`);
        due_at = new Date(at).toISOString();
      }
      const draft = at === null || source.draft;
      if (!draft) {
        refusePast(due_at!);
        refuseViolations(checksFor(draftOf(source)));
      }
      const mediaFrom = nextMediaId();
      const post: PostView = {
        ...copy(source),
        id: nextPostId(),
        due_at,
        draft,
        media: source.media.map((m, i) => ({ ...copy(m), id: mediaFrom + i })),
        targets: source.targets.map((t) => ({
          account_id: t.account_id,
          account_name: t.account_name,
          platform: t.platform,
          status: draft ? "draft" : "scheduled",
          caption: t.caption ?? null,
        })),
      };
      data.posts.push(post);
      notify();
      return copy(post);
    },
    async scheduleDraftOnDay(id, date) {
      if (!DATE_RE.test(date)) throw new BackendError("invalid_input", `"${date}" is not a date (YYYY-MM-DD).`);
      const post = find(id);
      if (!post.draft && !post.targets.every((t) => t.status === "draft")) {
        throw new BackendError("conflict", `Post ${id} is not a draft; move it to another day instead.`);
      }
      if (post.targets.length === 0) {
        throw new BackendError("invalid_input", "This draft has no accounts to post to; open it and choose some first.");
      }
      const at = post.due_at
        ? sameTimeOnDate(post.due_at, post.timezone, date)
        : wallTimeToInstant(`${date}T${data.defaultPostTime ?? "09:00"}`, post.timezone);
      refusePast(at);
      refuseViolations(checksFor(draftOf(post)));
      post.due_at = at;
      post.draft = false;
      for (const t of post.targets) Object.assign(t, { status: "scheduled", error: null });
      notify();
      return copy(post);
    },
    async getTiktokCreator(accountId) {
      account(accountId);
      return copy(data.creators?.[accountId] ?? null);
    },
    async mediaFacts(paths) {
      return paths.map((path): MediaFacts => {
        const type = mediaType(path);
        return {
          path,
          kind: type?.kind ?? null,
          mime: type?.mime ?? null,
          size_bytes: null,
          width: null,
          height: null,
          duration_ms: null,
          problem: type ? null : `${path.split(/[\\/]/).pop()} is not a photo or video Herald can use (JPEG, PNG, WebP, GIF, HEIC, MP4 or MOV).`,
        };
      });
    },
    async thumbnail() {
      return null;
    },
    async pickMedia() {
      return [...(data.picked ?? [])];
    },
    onFilesDropped(cb) {
      dropListeners.add(cb);
      return () => dropListeners.delete(cb);
    },
    async listPosts(from, to) {
      const start = Date.parse(from);
      const end = Date.parse(to);
      if (Number.isNaN(start) || Number.isNaN(end)) {
        throw new BackendError("invalid_input", "The range must be RFC 3339 instants.");
      }
      return copy(
        data.posts
          .filter((p) => p.due_at !== null && Date.parse(p.due_at) >= start && Date.parse(p.due_at) < end)
          .sort((a, b) => Date.parse(a.due_at!) - Date.parse(b.due_at!)),
      );
    },
    async listDrafts() {
      return copy(data.posts.filter((p) => p.draft && p.due_at === null));
    },
    async listAttention() {
      return copy(data.posts.filter((p) => p.targets.some((t) => t.status === "failed" || t.status === "missed")));
    },
    async getPost(id) {
      return copy(find(id));
    },
    async moveWarnings(id, at) {
      find(id);
      if (Number.isNaN(Date.parse(at))) throw new BackendError("invalid_input", `"${at}" is not a valid time.`);
      return [...(data.moveWarnings?.[id] ?? [])];
    },
    async getPostHistory(id) {
      find(id);
      return copy(data.history?.[id] ?? []);
    },
    async reschedule(id, at) {
      if (Number.isNaN(Date.parse(at))) throw new BackendError("invalid_input", `"${at}" is not a valid time.`);
      return setDueAt(find(id), new Date(at).toISOString());
    },
    async moveToDay(id, date) {
      if (!DATE_RE.test(date)) throw new BackendError("invalid_input", `"${date}" is not a date (YYYY-MM-DD).`);
      const post = find(id);
      if (!post.due_at) throw new BackendError("invalid_input", "A draft without a time can't be moved to a day.");
      return setDueAt(post, sameTimeOnDate(post.due_at, post.timezone, date));
    },
    async retry(id, accountId) {
      const post = find(id);
      const targets = post.targets.filter(
        (t) => (t.status === "failed" || t.status === "missed") && (accountId === undefined || t.account_id === accountId),
      );
      if (targets.length === 0) throw new BackendError("conflict", `Post ${id} has nothing to retry.`);
      for (const t of targets) Object.assign(t, { status: "scheduled", error: null });
      notify();
      return copy(post);
    },
    async publishNow(id) {
      const post = find(id);
      if (post.draft) throw new BackendError("conflict", `Post ${id} is a draft; schedule it first.`);
      return setDueAt(post, new Date().toISOString());
    },
    async cancel(id, accountId) {
      const post = find(id);
      const targets = post.targets.filter(
        (t) => ["scheduled", "failed", "missed"].includes(t.status) && (accountId === undefined || t.account_id === accountId),
      );
      if (targets.length === 0) throw new BackendError("conflict", `Post ${id} has nothing to cancel.`);
      for (const t of targets) Object.assign(t, { status: "draft", error: null });
      notify();
      return copy(post);
    },
    async listAccounts() {
      return copy(data.accounts);
    },
    async getStatus() {
      return copy(data.status);
    },
    async setPublishingPaused(paused) {
      // With no background process there is nothing to pause: the status stays "stopped".
      if (data.status.publishing !== "stopped") {
        data.status.publishing = paused ? "paused" : "running";
        notify();
      }
      return copy(data.status);
    },
    async enableSandbox() {
      data.status.sandbox = true;
      const id = Math.max(0, ...data.accounts.map((a) => a.id)) + 1;
      data.accounts.push({
        id,
        platform: "facebook",
        name: "Sandbox Bakery (sandbox)",
        status: "connected",
        simulated: true,
        reconnect_reason: null,
        token_expires_at: null,
      });
      notify();
      return copy(data.status);
    },
    async disableSandbox() {
      data.status.sandbox = false;
      const simulated = new Set(data.accounts.filter((a) => a.simulated).map((a) => a.id));
      data.accounts = data.accounts.filter((a) => !a.simulated);
      for (const p of data.posts) p.targets = p.targets.filter((t) => !simulated.has(t.account_id));
      data.posts = data.posts.filter((p) => p.draft || p.targets.length > 0);
      notify();
      return copy(data.status);
    },
    async listDeveloperApps() {
      return copy(data.apps!);
    },
    async setDeveloperApp(input) {
      const { platform } = input;
      const saved = data.apps!.some((a) => a.platform === platform);
      const form = { ...appForm(null), client_id: input.client_id, redirect_uri: input.redirect_uri ?? "", secret: input.secret ?? "" };
      const problem = Object.values(validateAppForm(platform, form, saved))[0];
      if (problem) throw new BackendError("invalid_input", problem);
      const clean = toDeveloperAppForm(platform, form);
      const app: DeveloperApp = { platform, client_id: clean.client_id, redirect_uri: clean.redirect_uri ?? TIKTOK_REDIRECT_URI };
      data.apps = [...data.apps!.filter((a) => a.platform !== platform), app];
      return copy(app);
    },
    async removeDeveloperApp(platform) {
      data.apps = data.apps!.filter((a) => a.platform !== platform);
      return null;
    },
    async startSignIn(platform) {
      const app = data.apps!.find((a) => a.platform === platform);
      if (!app) {
        throw new BackendError(
          "invalid_input",
          `set up your ${PLATFORM_LABELS[platform]} developer app first: Settings → Platforms`,
        );
      }
      const hosts = { instagram: "www.instagram.com/oauth/authorize", facebook: "www.facebook.com/dialog/oauth", tiktok: "www.tiktok.com/v2/auth/authorize/" };
      const redirect = encodeURIComponent(app.redirect_uri);
      if (data.signInAfterMs !== undefined) {
        setTimeout(() => {
          const outcome = connect(platform);
          for (const cb of signInListeners) cb(copy(outcome));
        }, data.signInAfterMs);
      }
      return {
        platform,
        authorize_url: `https://${hosts[platform]}?client_id=${app.client_id}&redirect_uri=${redirect}&state=fake-state-0123456789`,
        browser_problem: null,
      };
    },
    async completeSignIn(link) {
      const match = LINK_RE.exec(link.trim());
      if (!match) {
        throw new BackendError(
          "invalid_input",
          "this is not a Herald sign-in link; paste the link the redirect page offers (it starts with herald://oauth/)",
        );
      }
      const platform = match[1] as Platform;
      const params = new URLSearchParams(match[2]);
      if (params.get("error")) {
        throw new BackendError("conflict", `${PLATFORM_LABELS[platform]} sign-in was cancelled.`);
      }
      return connect(platform);
    },
    async takeSignInResult() {
      return null;
    },
    async disconnectAccount(accountId, deletePosts) {
      const account = data.accounts.find((a) => a.id === accountId);
      if (!account) throw new BackendError("not_found", `Account ${accountId} does not exist.`);
      let stopped = 0;
      for (const p of data.posts) {
        for (const t of p.targets) {
          if (t.account_id === accountId && ["scheduled", "failed", "missed"].includes(t.status)) {
            t.status = "draft";
            stopped++;
          }
        }
      }
      let deleted = 0;
      if (deletePosts) {
        const before = data.posts.length;
        data.posts = data.posts.filter((p) => !p.targets.some((t) => t.account_id === accountId));
        deleted = before - data.posts.length;
      }
      Object.assign(account, { status: "disconnected", reconnect_reason: null, token_expires_at: null });
      notify();
      let message = `Disconnected ${account.name} (${PLATFORM_LABELS[account.platform]}).`;
      if (deleted > 0) message += ` Deleted ${deleted} post(s).`;
      else if (stopped > 0) message += ` ${stopped} pending post(s) for it are kept as drafts.`;
      const notes =
        account.platform === "instagram"
          ? [
              "Instagram has no way for Herald to withdraw its own access: to remove it there too, open Instagram → Settings → Website permissions → Apps and websites and remove the app.",
            ]
          : [];
      return { message, notes };
    },
    async takePendingPost() {
      return null;
    },
    async checkPost(id) {
      const post = find(id);
      const given = data.checks?.[id];
      if (given) return copy(given);
      // Like the core: one check per network the post targets, in name order.
      const platforms = [...new Set(post.targets.map((t) => t.platform))].sort() as Platform[];
      return platforms.map((platform) => ({ platform, violations: [], changes: [], notices: [] }));
    },
    async getRelay() {
      return copy(data.relay ?? null);
    },
    async setRelay(settings, secretAccessKey) {
      const problem = Object.values(settingsErrors(settings))[0];
      if (problem) throw new BackendError("invalid_input", problem);
      if (!secretAccessKey.trim()) throw new BackendError("invalid_input", "The relay needs a secret access key.");
      data.relay = toRelaySettings({ ...settings, secret: "" });
      return copy(data.relay);
    },
    async testRelay() {
      if (!data.relay) {
        throw new BackendError("invalid_input", "No media relay is set. Fill in the relay settings and save them first.");
      }
      return null;
    },
    async clearRelay() {
      data.relay = null;
      return null;
    },
    onOpenPost() {
      return () => {};
    },
    onSignInFinished(cb) {
      signInListeners.add(cb);
      return () => signInListeners.delete(cb);
    },
    onDataChanged(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
}
