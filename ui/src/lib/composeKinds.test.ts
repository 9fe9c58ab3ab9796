import { describe, expect, it } from "vitest";
import { defaultKind, kindChoices, kindOutcome, settleKind } from "./composeKinds";

describe("which kinds a set of media allows", () => {
  it("mirrors Instagram's shapes", () => {
    expect(kindOutcome("instagram", "post", ["image"])).toEqual({ ok: true, shape: "Feed photo" });
    expect(kindOutcome("instagram", "post", ["video"]).ok).toBe(false);
    expect(kindOutcome("instagram", "reel", ["video"])).toEqual({ ok: true, shape: "Reel" });
    expect(kindOutcome("instagram", "reel", ["image"]).ok).toBe(false);
    expect(kindOutcome("instagram", "carousel", ["image", "video"])).toEqual({ ok: true, shape: "Carousel of 2" });
    expect(kindOutcome("instagram", "carousel", Array(11).fill("image"))).toMatchObject({ ok: false, reason: expect.stringContaining("2 to 10") });
    expect(kindOutcome("instagram", "story", ["video"])).toEqual({ ok: true, shape: "Story (video)" });
    expect(kindOutcome("instagram", "story", ["image", "image"]).ok).toBe(false);
    expect(kindOutcome("instagram", "post", [])).toMatchObject({ ok: false, reason: "Instagram posts need a photo or a video." });
  });

  it("mirrors Facebook's and TikTok's", () => {
    expect(kindOutcome("facebook", "post", [])).toEqual({ ok: true, shape: "Text post" });
    expect(kindOutcome("facebook", "carousel", ["image", "image", "image"])).toEqual({ ok: true, shape: "Post with 3 photos" });
    expect(kindOutcome("facebook", "post", ["video", "image"]).ok).toBe(false);
    expect(kindOutcome("facebook", "reel", ["video"])).toEqual({ ok: true, shape: "Reel" });
    expect(kindOutcome("facebook", "story", ["image"])).toEqual({ ok: true, shape: "Story (photo)" });
    expect(kindOutcome("tiktok", "reel", ["video"])).toEqual({ ok: true, shape: "Video" });
    expect(kindOutcome("tiktok", "story", ["video"]).ok).toBe(false);
    expect(kindOutcome("tiktok", "carousel", ["image", "image"])).toEqual({ ok: true, shape: "Photo post (2)" });
    expect(kindOutcome("tiktok", "post", ["video", "image"])).toMatchObject({ ok: false, reason: "TikTok posts are either one video or photos, not both." });
  });

  it("lists kinds that fit the media, allowed only where every chosen network takes them", () => {
    const video = kindChoices(["video"], ["instagram", "facebook"]);
    expect(video.map((c) => [c.kind, c.allowed])).toEqual([
      ["post", false],
      ["video", false],
      ["reel", true],
      ["story", true],
    ]);
    expect(video[0].reason).toMatch(/^Instagram: /);
    expect(kindChoices(["image", "image"], ["tiktok"]).map((c) => c.kind)).toEqual(["post", "carousel"]);
    // The saved kind is always listed.
    expect(kindChoices(["image"], ["instagram"], "photo").map((c) => c.kind)).toEqual(["post", "photo", "story"]);
  });

  it("suggests and settles a kind when the media change", () => {
    expect(defaultKind([])).toBe("post");
    expect(defaultKind(["video"])).toBe("reel");
    expect(defaultKind(["image", "image"])).toBe("carousel");
    expect(settleKind("story", ["image"], ["instagram"])).toBe("story");
    expect(settleKind("story", ["image", "image"], ["instagram"])).toBe("carousel");
    expect(settleKind("post", ["video"], ["instagram", "tiktok"])).toBe("reel");
    expect(settleKind("photo", ["image"], ["facebook"])).toBe("photo");
    // Nothing works (no media for Instagram): the kind stays, the checks say why.
    expect(settleKind("post", [], ["instagram"])).toBe("post");
    // Photos and a video: Facebook and TikTok refuse every kind; Instagram takes a carousel.
    expect(settleKind("post", ["image", "image", "video"], ["instagram", "facebook", "tiktok"])).toBe("carousel");
  });
});
