import { describe, expect, it, vi } from "vitest";
import { makeAccount, makePost, makeTarget } from "../testing";
import { localDate } from "../time";
import { createFakeBackend, type FakeData } from "./fake";
import { demoData } from "./demo";
import { BackendError, type PostDraft } from "./types";

const now = () => new Date("2026-03-01T00:00:00Z");

function setup(posts = [
  makePost({ id: 1, due_at: "2026-03-10T09:00:00Z" }),
  makePost({ id: 2, due_at: "2026-03-05T09:00:00Z" }),
  makePost({ id: 3, due_at: "2026-04-01T00:00:00Z" }),
  makePost({ id: 4, due_at: null, draft: true, targets: [] }),
  makePost({ id: 5, due_at: "2026-03-20T10:00:00Z", targets: [makeTarget("published")] }),
]) {
  const data: FakeData = {
    posts,
    accounts: [makeAccount()],
    status: { publishing: "running", sandbox: false, tray_icon: true, data_dir: "/data" },
  };
  return createFakeBackend(data, { now });
}

async function rejection(p: Promise<unknown>): Promise<BackendError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BackendError);
  return e as BackendError;
}

describe("fake backend: reading", () => {
  it("lists posts due in [from, to), sorted by due time", async () => {
    const b = setup();
    const posts = await b.listPosts("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    expect(posts.map((p) => p.id)).toEqual([2, 1, 5]);
  });

  it("lists only drafts without a due time", async () => {
    expect((await setup().listDrafts()).map((p) => p.id)).toEqual([4]);
  });

  it("answers not_found for an unknown post", async () => {
    expect((await rejection(setup().getPost(99))).code).toBe("not_found");
  });

  it("returns copies, so callers can't change its state", async () => {
    const b = setup();
    (await b.getPost(1)).caption = "changed";
    expect((await b.getPost(1)).caption).toBe("Hello");
  });
});

describe("fake backend: moving posts", () => {
  it("reschedules to an exact instant", async () => {
    const b = setup();
    const post = await b.reschedule(1, "2026-03-11T15:00:00+01:00");
    expect(post.due_at).toBe("2026-03-11T14:00:00.000Z");
  });

  it("moves to a day keeping the time of day in the post's zone, across DST", async () => {
    const b = setup([makePost({ id: 1, due_at: "2026-03-27T08:00:00Z", timezone: "Europe/Berlin" })]);
    const post = await b.moveToDay(1, "2026-03-30");
    expect(post.due_at).toBe("2026-03-30T07:00:00Z"); // still 09:00 in Berlin
  });

  it("refuses published posts, the past and bad input", async () => {
    const b = setup();
    expect((await rejection(b.moveToDay(5, "2026-03-21"))).code).toBe("conflict");
    expect((await rejection(b.reschedule(1, "2026-02-01T00:00:00Z"))).code).toBe("invalid_input");
    expect((await rejection(b.moveToDay(1, "tomorrow"))).code).toBe("invalid_input");
    expect((await rejection(b.moveToDay(4, "2026-03-21"))).code).toBe("invalid_input");
  });

  it("reschedules a missed post as scheduled", async () => {
    const b = setup([makePost({ id: 1, targets: [makeTarget("missed")] })]);
    expect((await b.moveToDay(1, "2026-07-01")).targets[0].status).toBe("scheduled");
  });
});

describe("fake backend: status and events", () => {
  it("pauses and resumes, notifying listeners until they unsubscribe", async () => {
    const b = setup();
    const cb = vi.fn();
    const stop = b.onDataChanged(cb);
    expect((await b.setPublishingPaused(true)).publishing).toBe("paused");
    expect((await b.getStatus()).publishing).toBe("paused");
    expect(cb).toHaveBeenCalledTimes(1);
    stop();
    expect((await b.setPublishingPaused(false)).publishing).toBe("running");
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it("notifies on a successful move only", async () => {
    const b = setup();
    const cb = vi.fn();
    b.onDataChanged(cb);
    await b.moveToDay(5, "2026-03-21").catch(() => {});
    expect(cb).not.toHaveBeenCalled();
    await b.moveToDay(1, "2026-03-12");
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it("can't pause a stopped publisher", async () => {
    const b = createFakeBackend(demoData(now(), ["stopped"]), { now });
    expect((await b.setPublishingPaused(true)).publishing).toBe("stopped");
  });
});

describe("fake backend: checks", () => {
  it("answers the checks it was given for a post", async () => {
    const check = { platform: "instagram" as const, violations: [{ code: "image_aspect", message: "Too tall." }], changes: ["Converted from PNG to JPEG"], notices: [] };
    const b = createFakeBackend(
      { posts: [makePost({ id: 1 })], accounts: [], status: demoData(now()).status, checks: { 1: [check] } },
      { now },
    );
    expect(await b.checkPost(1)).toEqual([check]);
  });

  it("passes other posts on each network they target, once, in name order", async () => {
    const b = setup([
      makePost({
        id: 1,
        targets: [
          makeTarget("scheduled", { account_id: 1, platform: "instagram" }),
          makeTarget("scheduled", { account_id: 2, platform: "facebook" }),
          makeTarget("scheduled", { account_id: 3, platform: "instagram" }),
        ],
      }),
    ]);
    expect(await b.checkPost(1)).toEqual([
      { platform: "facebook", violations: [], changes: [], notices: [] },
      { platform: "instagram", violations: [], changes: [], notices: [] },
    ]);
    expect((await rejection(b.checkPost(99))).code).toBe("not_found");
  });

  it("has a demo post with an Instagram violation, changes and a notice", async () => {
    const b = createFakeBackend(demoData(now()), { now });
    const instagram = (await b.checkPost(4)).find((c) => c.platform === "instagram")!;
    expect(instagram.violations.map((v) => v.code)).toEqual(["image_aspect"]);
    expect(instagram.changes).toContain("Converted from PNG to JPEG");
    expect(instagram.notices).toHaveLength(1);
  });
});

describe("fake backend: media relay", () => {
  const settings = { endpoint: "https://s3.example.com/", region: "auto", bucket: "herald-relay", access_key_id: "AKIA" };

  it("has no relay until one is set, and testing it says so", async () => {
    const b = setup();
    expect(await b.getRelay()).toBeNull();
    const err = await rejection(b.testRelay());
    expect(err.code).toBe("invalid_input");
    expect(err.message).toMatch(/no media relay is set/i);
  });

  it("saves trimmed settings, keeps no secret, tests and clears", async () => {
    const b = setup();
    const saved = await b.setRelay(settings, "secret");
    expect(saved).toEqual({ ...settings, endpoint: "https://s3.example.com" });
    expect(await b.getRelay()).toEqual(saved);
    expect(JSON.stringify(await b.getRelay())).not.toContain("secret");
    await expect(b.testRelay()).resolves.toBeNull();
    await expect(b.clearRelay()).resolves.toBeNull();
    expect(await b.getRelay()).toBeNull();
    expect((await rejection(b.testRelay())).message).toMatch(/no media relay is set/i);
  });

  it("refuses bad settings and an empty secret with a sentence", async () => {
    const b = setup();
    expect((await rejection(b.setRelay({ ...settings, bucket: "Bad_Bucket" }, "secret"))).message).toMatch(/bucket name/);
    expect((await rejection(b.setRelay(settings, "  "))).message).toMatch(/secret access key/);
    expect(await b.getRelay()).toBeNull();
  });

  it("starts with a relay in the `relay` demo scenario", async () => {
    const b = createFakeBackend(demoData(now(), ["relay"]), { now });
    expect((await b.getRelay())?.bucket).toBeTruthy();
    await expect(b.testRelay()).resolves.toBeNull();
  });
});

describe("fake backend: developer apps, sign-in and disconnect", () => {
  const app = { platform: "instagram" as const, client_id: "123", redirect_uri: "https://me.github.io/herald/oauth/instagram/", secret: "s" };

  it("saves an app without its secret, keeps the stored secret, and removes it", async () => {
    const b = setup();
    expect(await b.listDeveloperApps()).toEqual([]);
    expect((await rejection(b.setDeveloperApp({ ...app, secret: null }))).message).toMatch(/secret/);
    const saved = await b.setDeveloperApp(app);
    expect(saved).toEqual({ platform: "instagram", client_id: "123", redirect_uri: app.redirect_uri });
    expect(await b.setDeveloperApp({ ...app, client_id: "456", secret: null })).toMatchObject({ client_id: "456" });
    const tiktok = await b.setDeveloperApp({ platform: "tiktok", client_id: "awkey", redirect_uri: null, secret: "s" });
    expect(tiktok.redirect_uri).toBe("http://127.0.0.1:*/callback/");
    expect((await rejection(b.setDeveloperApp({ ...app, redirect_uri: "http://x.test/" }))).code).toBe("invalid_input");
    await b.removeDeveloperApp("instagram");
    expect((await b.listDeveloperApps()).map((a) => a.platform)).toEqual(["tiktok"]);
  });

  it("signs in only with an app, and finishes from a pasted link", async () => {
    const b = setup();
    expect((await rejection(b.startSignIn("instagram"))).message).toMatch(/set up your Instagram developer app first/);
    await b.setDeveloperApp(app);
    const started = await b.startSignIn("instagram");
    expect(started).toMatchObject({ platform: "instagram", browser_problem: null });
    expect(started.authorize_url).toContain(encodeURIComponent(app.redirect_uri));
    expect((await rejection(b.completeSignIn("https://example.com"))).message).toMatch(/herald:\/\/oauth\//);
    expect((await rejection(b.completeSignIn("herald://oauth/instagram?error=access_denied&state=x"))).code).toBe("conflict");
    const done = await b.completeSignIn("herald://oauth/instagram?code=abc&state=x");
    expect(done).toMatchObject({ platform: "instagram", ok: true, message: "Connected Instagram account @new.account." });
    expect(await b.listAccounts()).toHaveLength(2);
    expect(await b.takeSignInResult()).toBeNull();
  });

  it("reconnects the account that needed it", async () => {
    const b = createFakeBackend(demoData(now(), ["reconnect"]), { now });
    expect((await b.listAccounts()).find((a) => a.id === 1)?.status).toBe("needs_reconnect");
    await b.completeSignIn("herald://oauth/instagram?code=abc&state=x");
    const accounts = await b.listAccounts();
    expect(accounts).toHaveLength(2);
    expect(accounts.find((a) => a.id === 1)).toMatchObject({ status: "connected", reconnect_reason: null });
  });

  it("finishes by itself after a delay when asked to, telling listeners", async () => {
    vi.useFakeTimers();
    try {
      const b = createFakeBackend({ ...demoData(now()), signInAfterMs: 3000 }, { now });
      const cb = vi.fn();
      b.onSignInFinished(cb);
      await b.startSignIn("facebook");
      expect(cb).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(3000);
      expect(cb).toHaveBeenCalledWith(expect.objectContaining({ platform: "facebook", ok: true }));
    } finally {
      vi.useRealTimers();
    }
  });

  it("disconnects, keeping the posts as drafts or deleting them", async () => {
    const b = setup();
    const kept = await b.disconnectAccount(1, false);
    expect(kept.message).toMatch(/^Disconnected @acme \(Instagram\)\. \d+ pending post\(s\) for it are kept as drafts\.$/);
    expect(kept.notes).toHaveLength(1);
    expect((await b.listAccounts())[0].status).toBe("disconnected");
    expect((await b.getPost(1)).targets[0].status).toBe("draft");
    const deleted = await b.disconnectAccount(1, true);
    expect(deleted.message).toMatch(/Deleted \d+ post\(s\)/);
    expect((await rejection(b.getPost(1))).code).toBe("not_found");
    expect((await rejection(b.disconnectAccount(99, false))).code).toBe("not_found");
  });
});

describe("demo data", () => {
  it("has two accounts and posts in the current month, and an empty scenario", () => {
    const data = demoData(new Date(2026, 2, 31, 12)); // the last day: posts are clamped into March
    expect(data.accounts).toHaveLength(2);
    const scheduled = data.posts.filter((p) => p.due_at !== null);
    expect(scheduled.length).toBeGreaterThan(3);
    expect(scheduled.every((p) => localDate(new Date(p.due_at!)).startsWith("2026-03-"))).toBe(true);
    expect(data.accounts.find((a) => a.platform === "instagram")?.quota).toMatchObject({ used: 12, total: 50, window_hours: 24 });
    const empty = demoData(now(), ["empty", "paused", "notray"]);
    expect(empty).toMatchObject({ accounts: [], posts: [], apps: [], status: { publishing: "paused", tray_icon: false } });
  });

  it("has apps for its Instagram and Facebook accounts, a token expiry, and a reconnect scenario", () => {
    const data = demoData(now());
    expect(data.apps?.map((a) => a.platform)).toEqual(["instagram", "facebook"]);
    const instagram = data.accounts.find((a) => a.platform === "instagram")!;
    expect(Date.parse(instagram.token_expires_at!)).toBeGreaterThan(now().getTime());
    const reconnect = demoData(now(), ["reconnect", "noapps"]);
    expect(reconnect.apps).toEqual([]);
    expect(reconnect.accounts.find((a) => a.platform === "instagram")).toMatchObject({ status: "needs_reconnect" });
    expect(reconnect.accounts.find((a) => a.platform === "instagram")?.reconnect_reason).toBeTruthy();
  });
});

describe("fake backend: composer", () => {
  const accounts = [
    makeAccount({ id: 1, platform: "instagram", name: "@acme" }),
    makeAccount({ id: 2, platform: "facebook", name: "Acme Page" }),
  ];
  const status = { publishing: "running" as const, sandbox: false, tray_icon: true, data_dir: "/data" };

  function composer(posts = [makePost({ id: 1, due_at: null, draft: true, timezone: "Europe/Berlin", targets: [makeTarget("draft")] })]) {
    return createFakeBackend({ posts, accounts, status }, { now });
  }

  function draft(extra: Partial<PostDraft> = {}): PostDraft {
    return {
      caption: "Fresh bread",
      captions: {},
      kind: "post",
      accounts: [1, 2],
      media: [{ path: "/pics/bread.jpg", alt_text: "A loaf" }],
      options: { instagram: {} },
      at: "2026-03-10T09:00",
      timezone: "Europe/Berlin",
      ...extra,
    };
  }

  it("validates one check per account, with each network's own caption", async () => {
    const b = composer();
    const checks = await b.validatePost(draft({ captions: { instagram: "x".repeat(2201) } }));
    expect(checks.map((c) => [c.platform, c.account, c.violations.length])).toEqual([
      ["instagram", "@acme", 1],
      ["facebook", "Acme Page", 0],
    ]);
    expect(checks[0].violations[0].message).toMatch(/2,201 characters; Instagram allows 2,200/);
    expect(await b.listDrafts()).toHaveLength(1); // never saves
  });

  it("creates a scheduled post at the wall-clock time in its zone, with per-network captions", async () => {
    const b = composer();
    const post = await b.createPost(draft({ captions: { facebook: "Longer words for Facebook" } }), "schedule");
    expect(post).toMatchObject({ id: 2, draft: false, due_at: "2026-03-10T08:00:00Z", caption: "Fresh bread" });
    expect(post.targets.map((t) => [t.platform, t.status, t.caption])).toEqual([
      ["instagram", "scheduled", null],
      ["facebook", "scheduled", "Longer words for Facebook"],
    ]);
    expect(post.media[0]).toMatchObject({ path: "/pics/bread.jpg", kind: "image", mime: "image/jpeg", alt_text: "A loaf" });
  });

  it("keeps drafts with violations but refuses to schedule them, naming the rule", async () => {
    const b = composer();
    const long = draft({ captions: { instagram: "x".repeat(2201) } });
    const kept = await b.createPost({ ...long, at: null }, "draft");
    expect(kept).toMatchObject({ draft: true, due_at: null });
    expect(kept.targets.every((t) => t.status === "draft")).toBe(true);
    const err = await rejection(b.createPost(long, "schedule"));
    expect(err.code).toBe("invalid_input");
    expect(err.message).toMatch(/Instagram: This caption is 2,201 characters/);
    expect((await rejection(b.createPost(draft({ at: null }), "schedule"))).message).toMatch(/needs a date and time/);
    expect((await rejection(b.createPost(draft({ at: "2026-02-01T09:00" }), "schedule"))).message).toMatch(/already passed/);
    expect((await rejection(b.createPost(draft({ at: "2026-03-29T02:30" }), "schedule"))).message).toMatch(/does not exist in Europe\/Berlin/);
    expect((await rejection(b.createPost(draft({ accounts: [9] }), "draft"))).code).toBe("not_found");
  });

  it("publishes now: due at the current time", async () => {
    const post = await composer().createPost(draft({ at: null }), "publish_now");
    expect(post).toMatchObject({ draft: false, due_at: now().toISOString() });
  });

  it("updates a post, replacing its accounts, but not once it is published", async () => {
    const b = composer([
      makePost({ id: 1, due_at: "2026-03-10T08:00:00Z", targets: [makeTarget("scheduled")] }),
      makePost({ id: 2, targets: [makeTarget("published")] }),
    ]);
    const cb = vi.fn();
    b.onDataChanged(cb);
    const post = await b.updatePost(1, draft({ accounts: [2], caption: "New words" }), "schedule");
    expect(post).toMatchObject({ id: 1, caption: "New words" });
    expect(post.targets.map((t) => t.account_id)).toEqual([2]);
    expect(cb).toHaveBeenCalledTimes(1);
    const err = await rejection(b.updatePost(2, draft(), "schedule"));
    expect(err.code).toBe("conflict");
    expect(err.message).toMatch(/duplicate it instead/);
  });

  it("deletes, and duplicates as an undated draft or at a new time", async () => {
    const b = composer([makePost({ id: 1, targets: [makeTarget("published", { caption: "Own" })] })]);
    const copy = await b.duplicatePost(1, null);
    expect(copy).toMatchObject({ id: 2, draft: true, due_at: null });
    expect(copy.targets).toEqual([expect.objectContaining({ status: "draft", caption: "Own" })]);
    const later = await b.duplicatePost(1, "2026-04-01T10:00:00+02:00");
    expect(later).toMatchObject({ id: 3, draft: false, due_at: "2026-04-01T08:00:00.000Z" });
    expect(later.targets[0].status).toBe("scheduled");
    expect((await rejection(b.duplicatePost(1, "2026-01-01T00:00:00Z"))).code).toBe("invalid_input");
    await expect(b.deletePost(2)).resolves.toBeNull();
    expect((await rejection(b.getPost(2))).code).toBe("not_found");
  });

  it("schedules an undated draft on a day at the default time in its zone", async () => {
    const b = composer();
    const post = await b.scheduleDraftOnDay(1, "2026-03-30");
    expect(post).toMatchObject({ draft: false, due_at: "2026-03-30T07:00:00Z" }); // 09:00 in Berlin (summer time)
    expect(post.targets[0].status).toBe("scheduled");
    expect((await rejection(b.scheduleDraftOnDay(1, "2026-03-31"))).code).toBe("conflict");
  });

  it("refuses a past day, a DST gap and violations, leaving the draft as it was", async () => {
    const b = createFakeBackend(
      {
        posts: [
          makePost({ id: 1, due_at: null, draft: true, timezone: "Europe/Berlin", targets: [makeTarget("draft")] }),
          makePost({ id: 2, due_at: null, draft: true, caption: "x".repeat(2201), targets: [makeTarget("draft")] }),
        ],
        accounts,
        status,
        defaultPostTime: "02:30",
      },
      { now },
    );
    expect((await rejection(b.scheduleDraftOnDay(1, "2026-02-27"))).message).toMatch(/already passed/);
    expect((await rejection(b.scheduleDraftOnDay(1, "2026-03-29"))).message).toMatch(/does not exist/);
    expect((await rejection(b.scheduleDraftOnDay(2, "2026-03-20"))).message).toMatch(/Instagram: This caption/);
    expect(await b.getPost(2)).toMatchObject({ draft: true, due_at: null });
  });

  it("answers media facts by extension, no thumbnails, an empty pick and dropped files", async () => {
    const b = composer();
    const [photo, film, other] = await b.mediaFacts(["/a/b.PNG", "/a/c.mov", "/a/notes.txt"]);
    expect(photo).toMatchObject({ kind: "image", mime: "image/png", problem: null });
    expect(film).toMatchObject({ kind: "video", mime: "video/quicktime" });
    expect(other).toMatchObject({ kind: null });
    expect(other.problem).toMatch(/notes\.txt is not a photo or video/);
    expect(await b.thumbnail("/a/b.png")).toBeNull();
    expect(await b.pickMedia()).toEqual([]);
    const cb = vi.fn();
    const stop = b.onFilesDropped(cb);
    b.dropFiles(["/a/b.png"]);
    stop();
    b.dropFiles(["/a/c.mov"]);
    expect(cb.mock.calls).toEqual([[["/a/b.png"]]]);
    expect(await b.getTiktokCreator(1)).toBeNull();
  });
});
