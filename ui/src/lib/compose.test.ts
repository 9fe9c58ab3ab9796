import { describe, expect, it } from "vitest";
import type { MediaFacts, NetworkCheck } from "./backend/types";
import {
  captionFor,
  checkGroups,
  clientProblems,
  composeActions,
  draftKey,
  formFromPost,
  initials,
  newForm,
  selectedPlatforms,
  tiktokShapeOf,
  toDraft,
  uncheckedProblems,
  type ComposeForm,
} from "./compose";
import { makeAccount, makePost, makeTarget } from "./testing";

const IG = makeAccount({ id: 1, platform: "instagram", name: "@lindenbakery" });
const FB = makeAccount({ id: 2, platform: "facebook", name: "Linden Bakery" });
const TT = makeAccount({ id: 3, platform: "tiktok", name: "@linden" });
const OLD = makeAccount({ id: 4, platform: "instagram", name: "@old", status: "needs_reconnect", reconnect_reason: "The token expired." });
const ACCOUNTS = [IG, FB, TT, OLD];
const now = new Date("2026-06-10T08:00:00Z");

function form(extra: Partial<ComposeForm> = {}): ComposeForm {
  return { ...newForm({ at: "2026-06-10T12:00", timezone: "UTC", accounts: ACCOUNTS }), ...extra };
}

describe("starting the composer", () => {
  it("starts a new post at the given time, with the only usable account chosen", () => {
    expect(newForm({ at: "2026-06-11T09:00", timezone: "Europe/Berlin", accounts: [IG, OLD] })).toMatchObject({
      accounts: [1],
      date: "2026-06-11",
      time: "09:00",
      timezone: "Europe/Berlin",
      kind: "post",
    });
    expect(newForm({ at: null, timezone: "UTC", accounts: ACCOUNTS })).toMatchObject({ accounts: [], date: "", time: "" });
  });

  it("loads a saved post: overrides from its targets, options, media, time in its zone", () => {
    const post = makePost({
      caption: "Shared",
      due_at: "2026-06-10T07:30:00Z",
      timezone: "Europe/Berlin",
      kind: "carousel",
      media: [
        { id: 1, path: "/a.jpg", kind: "image", mime: "image/jpeg", size_bytes: 1, alt_text: "A loaf" },
        { id: 2, path: "/b.jpg", kind: "image", mime: "image/jpeg", size_bytes: 1, alt_text: null },
      ],
      targets: [
        makeTarget("scheduled", { account_id: 1, platform: "instagram", caption: "For Instagram #bread" }),
        makeTarget("scheduled", { account_id: 2, platform: "facebook", account_name: "Linden Bakery", caption: null }),
      ],
      options: { instagram: { first_comment: "#more" }, tiktok: { privacy_level: "SELF_ONLY", your_brand: true } },
    });
    const loaded = formFromPost(post);
    expect(loaded).toMatchObject({
      accounts: [1, 2],
      caption: "Shared",
      overrides: { instagram: "For Instagram #bread" },
      kind: "carousel",
      media: [
        { path: "/a.jpg", alt_text: "A loaf" },
        { path: "/b.jpg", alt_text: "" },
      ],
      instagram: { first_comment: "#more" },
      disclose: true,
      date: "2026-06-10",
      time: "09:30",
      timezone: "Europe/Berlin",
    });
    expect(loaded.tiktok).toMatchObject({ privacy_level: "SELF_ONLY", your_brand: true, allow_comment: false });
    expect(captionFor(loaded, "instagram")).toBe("For Instagram #bread");
    expect(captionFor(loaded, "facebook")).toBe("Shared");

    // And back: the same post as a draft.
    const draft = toDraft(loaded, selectedPlatforms(loaded, ACCOUNTS), "photos");
    expect(draft).toMatchObject({
      caption: "Shared",
      captions: { instagram: "For Instagram #bread" },
      kind: "carousel",
      accounts: [1, 2],
      media: [
        { path: "/a.jpg", alt_text: "A loaf" },
        { path: "/b.jpg", alt_text: null },
      ],
      options: { instagram: { first_comment: "#more" } },
      at: "2026-06-10T09:30",
      timezone: "Europe/Berlin",
    });
    expect(draftKey(draft)).toBe(draftKey(toDraft(formFromPost(post), ["instagram", "facebook"], "photos")));
  });

  it("loads an undated draft with no time", () => {
    expect(formFromPost(makePost({ due_at: null, draft: true, targets: [] }))).toMatchObject({ date: "", time: "", accounts: [] });
  });
});

describe("the draft sent to the core", () => {
  it("sends overrides only for chosen networks and leaves out empty text", () => {
    const f = form({ accounts: [2], caption: "Hi", overrides: { instagram: "IG only", facebook: "FB" }, instagram: { first_comment: "  " } });
    const draft = toDraft(f, selectedPlatforms(f, ACCOUNTS), "video");
    expect(draft.captions).toEqual({ facebook: "FB" });
    expect(draft.options.instagram).toEqual({});
  });

  it("clears the disclosure's choices when it is off, and video-only options for photos", () => {
    const f = form({ tiktok: { ...form().tiktok, your_brand: true, allow_duet: true, photo_title: " " }, disclose: false });
    expect(toDraft(f, ["tiktok"], "photos").options.tiktok).toMatchObject({ your_brand: false, allow_duet: false, photo_title: null });
  });

  it("lists networks in a fixed order and knows TikTok's shape", () => {
    expect(selectedPlatforms({ accounts: [3, 2, 1] }, ACCOUNTS)).toEqual(["instagram", "facebook", "tiktok"]);
    expect(tiktokShapeOf(["image", "image"])).toBe("photos");
    expect(tiktokShapeOf(["image", "video"])).toBe("video");
    expect(tiktokShapeOf([])).toBe("video");
  });

  it("gives each account its initials", () => {
    expect(initials("Linden Bakery")).toBe("LB");
    expect(initials("@lindenbakery")).toBe("LI");
    expect(initials("@acme.shop")).toBe("AS");
    expect(initials("")).toBe("?");
  });
});

describe("what stops Schedule", () => {
  const photo: MediaFacts = { path: "/a.jpg", kind: "image", mime: "image/jpeg", size_bytes: 1, width: 1080, height: 1350, duration_ms: null, problem: null };
  const base = { accounts: ACCOUNTS, problems: [], checks: null, refusal: null, now, busy: false };

  it("always allows Save draft; Schedule needs accounts, content and a future time", () => {
    let actions = composeActions({ ...base, form: form({ accounts: [] }) });
    expect(actions.draft.enabled).toBe(true);
    expect(actions.schedule).toEqual({ enabled: false, reason: "Choose at least one account to post to." });
    actions = composeActions({ ...base, form: form({ accounts: [2] }) });
    expect(actions.schedule.reason).toBe("Write a caption or add a photo or video.");
    actions = composeActions({ ...base, form: form({ accounts: [2], caption: "Hi", time: "07:00" }) });
    expect(actions.schedule.reason).toBe("This time is in the past: choose a later one.");
    expect(actions.publishNow.enabled).toBe(true);
    actions = composeActions({ ...base, form: form({ accounts: [2], caption: "Hi", date: "" }) });
    expect(actions.schedule.reason).toBe("Choose a date to schedule.");
    expect(composeActions({ ...base, form: form({ accounts: [2], caption: "Hi" }) }).schedule).toEqual({ enabled: true, reason: null });
  });

  it("blocks on accounts that need reconnecting, on the composer's own problems and on the core's violations", () => {
    expect(composeActions({ ...base, form: form({ accounts: [4], caption: "Hi" }) }).schedule.reason).toBe("@old can't publish: The token expired.");
    const f = form({ accounts: [2], caption: "Hi" });
    expect(composeActions({ ...base, form: f, problems: [{ platform: "facebook", text: "Too long." }] }).schedule.reason).toBe("Too long.");
    const checks: NetworkCheck[] = [{ platform: "facebook", violations: [{ code: "x", message: "No." }, { code: "y", message: "No!" }], changes: [], notices: [] }];
    expect(composeActions({ ...base, form: f, checks }).schedule.reason).toBe("Fix the 2 problems under Checks first.");
    expect(composeActions({ ...base, form: f, checks }).publishNow.enabled).toBe(false);
    expect(composeActions({ ...base, form: f, refusal: "09:30 doesn't exist on 29 March in Europe/Berlin." }).schedule.reason).toMatch(/doesn't exist/);
    expect(composeActions({ ...base, form: f, busy: true }).draft.enabled).toBe(false);
  });

  it("finds problems at once: kinds a network refuses, text over limits, TikTok's choices, unusable files", () => {
    const f = form({ accounts: [1, 3], caption: "#a ".repeat(31), media: [{ path: "/a.jpg", alt_text: "" }] });
    const problems = clientProblems({ form: f, platforms: ["instagram", "tiktok"], kinds: ["image"], facts: new Map([["/a.jpg", photo]]) });
    expect(problems.map((p) => [p.platform, p.text])).toEqual([
      ["instagram", "Instagram takes up to 30 hashtags; this has 31."],
      ["tiktok", expect.stringContaining("Choose who can see this post on TikTok")],
    ]);
    const tall = { ...photo, path: "/t.png", width: 1080, height: 1920 };
    const needsFix = form({ accounts: [1], kind: "carousel", media: [{ path: "/a.jpg", alt_text: "" }, { path: "/t.png", alt_text: "" }] });
    const factsByPath = new Map([["/a.jpg", photo], ["/t.png", tall]]);
    expect(clientProblems({ form: needsFix, platforms: ["instagram"], kinds: ["image", "image"], facts: factsByPath }).map((p) => p.text)).toEqual([
      "Item 2 is 9:16; Instagram feed photos must be between 4:5 and 1.91:1: choose Fit or Crop.",
    ]);
    needsFix.instagram = { aspect_fix: "fit" };
    expect(clientProblems({ form: needsFix, platforms: ["instagram"], kinds: ["image", "image"], facts: factsByPath })).toEqual([]);
    const broken = { ...photo, problem: "This file is not a photo or video Herald can read." };
    const none = clientProblems({ form: form({ accounts: [1], kind: "reel", media: [{ path: "/a.jpg", alt_text: "" }] }), platforms: ["instagram"], kinds: ["image"], facts: new Map([["/a.jpg", broken]]) });
    expect(none.map((p) => p.text)).toEqual(["a.jpg: This file is not a photo or video Herald can read.", "A reel is a video; choose Post or Story for a photo."]);
  });
});

describe("the Checks list", () => {
  it("groups per account, leaves out TikTok's consent (shown by the buttons) and clean accounts", () => {
    const groups = checkGroups([
      { platform: "instagram", account: "@linden", violations: [{ code: "image_aspect", message: "Choose Fit or Crop." }], changes: ["Converted from PNG to JPEG"], notices: [] },
      { platform: "facebook", account: "Linden Bakery", violations: [], changes: [], notices: [] },
      { platform: "tiktok", account: "@linden", violations: [], changes: [], notices: ["By posting, you agree to TikTok's Music Usage Confirmation."] },
    ]);
    expect(groups).toEqual([
      { platform: "instagram", label: "Instagram · @linden", violations: [{ code: "image_aspect", text: "Choose Fit or Crop." }], changes: ["Converted from PNG to JPEG"], notices: [] },
    ]);
  });
});

describe("the composer's own problems under Checks", () => {
  it("lists them only for networks the core found nothing wrong with", () => {
    const problems = [
      { platform: "instagram" as const, text: "IG" },
      { platform: "facebook" as const, text: "FB" },
      { platform: null, text: "File" },
    ];
    expect(uncheckedProblems(problems, null)).toEqual(problems);
    const checks: NetworkCheck[] = [
      { platform: "instagram", violations: [{ code: "x", message: "Core says IG" }], changes: [], notices: [] },
      { platform: "facebook", violations: [], changes: [], notices: [] },
    ];
    expect(uncheckedProblems(problems, checks).map((p) => p.text)).toEqual(["FB"]);
  });
});
