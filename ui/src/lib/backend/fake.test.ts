import { describe, expect, it, vi } from "vitest";
import { makePost, makeTarget } from "../testing";
import { localDate } from "../time";
import { createFakeBackend, type FakeData } from "./fake";
import { demoData } from "./demo";
import { BackendError } from "./types";

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
    accounts: [{ id: 1, platform: "instagram", name: "@acme", status: "connected", simulated: false }],
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

describe("demo data", () => {
  it("has two accounts and posts in the current month, and an empty scenario", () => {
    const data = demoData(new Date(2026, 2, 31, 12)); // the last day: posts are clamped into March
    expect(data.accounts).toHaveLength(2);
    const scheduled = data.posts.filter((p) => p.due_at !== null);
    expect(scheduled.length).toBeGreaterThan(3);
    expect(scheduled.every((p) => localDate(new Date(p.due_at!)).startsWith("2026-03-"))).toBe(true);
    expect(data.accounts.find((a) => a.platform === "instagram")?.quota).toMatchObject({ used: 12, total: 50, window_hours: 24 });
    const empty = demoData(now(), ["empty", "paused", "notray"]);
    expect(empty).toMatchObject({ accounts: [], posts: [], status: { publishing: "paused", tray_icon: false } });
  });
});
