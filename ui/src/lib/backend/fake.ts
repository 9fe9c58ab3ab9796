// In-memory Backend: used by unit tests and to run the UI in a plain browser (`?fake`).
// It mimics the core's rules closely enough to exercise the UI, errors included.
import { appForm, TIKTOK_REDIRECT_URI, toDeveloperAppForm, validateAppForm } from "../apps";
import { PLATFORM_LABELS } from "../posts";
import { settingsErrors, toRelaySettings } from "../relay";
import { sameTimeOnDate } from "../time";
import {
  BackendError,
  type AccountView,
  type AppStatus,
  type Backend,
  type DeveloperApp,
  type NetworkCheck,
  type Platform,
  type PostView,
  type RelaySettings,
  type SignInFinished,
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
}

export interface FakeOptions {
  /** The clock used to refuse moves into the past; defaults to the real one. */
  now?: () => Date;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
// A pasted sign-in link: herald://oauth/<platform>?code=…&state=… (or error=…).
const LINK_RE = /^herald:\/\/oauth\/(instagram|facebook)\?(.+)$/;

export function createFakeBackend(initial: FakeData, { now = () => new Date() }: FakeOptions = {}): Backend {
  // Deep copies, so callers can't mutate our state and we can't mutate theirs.
  const data: FakeData = structuredClone(initial);
  const listeners = new Set<() => void>();
  const signInListeners = new Set<(outcome: SignInFinished) => void>();
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

  return {
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
