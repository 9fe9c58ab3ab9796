import { describe, expect, it } from "vitest";
import { captionCounter, counterDescription, counterText, foldCaption } from "./composeText";

describe("caption counters, each network's way", () => {
  it("counts Instagram in characters, with hashtags and mentions", () => {
    const text = "🍞 Fresh #bread by @ana " + "#tag ".repeat(30);
    const c = captionCounter("instagram", text);
    expect(c.length).toMatchObject({ limit: 2200, unit: "characters", over: false });
    expect(c.hashtags).toMatchObject({ used: 31, limit: 30, over: true });
    expect(c.mentions).toMatchObject({ used: 1, over: false });
    expect(c.over).toBe(true);
    expect(counterText(c)).toBe(`${c.length.used} / 2,200 · 31 hashtags (max 30) · 1 mention`);
  });

  it("counts TikTok in UTF-16 units, 4,000 for photo descriptions", () => {
    const text = "🍞".repeat(1101);
    expect(captionCounter("tiktok", text).length).toMatchObject({ used: 2202, limit: 2200, over: true, unit: "UTF-16 units" });
    const photos = captionCounter("tiktok", text, { tiktokShape: "photos" });
    expect(photos).toMatchObject({ label: "Description", over: false });
    expect(photos.length.limit).toBe(4000);
    expect(captionCounter("instagram", text).over).toBe(false);
  });

  it("gives Facebook 63,206 characters and Instagram stories no caption", () => {
    expect(captionCounter("facebook", "a".repeat(63_207)).over).toBe(true);
    const story = captionCounter("instagram", "a".repeat(3000), { story: true });
    expect(story).toMatchObject({ unused: true, over: false });
    expect(counterText(story)).toBe("Stories have no caption");
  });

  it("says how many hashtags Instagram's apps show", () => {
    const c = captionCounter("instagram", "#a #b #c #d #e #f");
    expect(counterDescription(c)).toContain("Instagram's apps show at most 5 hashtags");
  });
});

describe("folding a caption as the feed does", () => {
  it("cuts Instagram at 125 characters on a word boundary", () => {
    const text = "word ".repeat(40).trim();
    const folded = foldCaption("instagram", text);
    expect(folded.truncated).toBe(true);
    expect(folded.shown.length).toBeLessThanOrEqual(125);
    expect(folded.shown.endsWith("word")).toBe(true);
    expect(folded.more).toBe("more");
  });

  it("cuts at the line limit and leaves short captions whole", () => {
    expect(foldCaption("instagram", "a\nb\nc\nd")).toMatchObject({ shown: "a\nb\nc", truncated: true });
    expect(foldCaption("facebook", "Short one.")).toMatchObject({ shown: "Short one.", truncated: false, more: "See more" });
    expect(foldCaption("tiktok", "x".repeat(151)).shown).toHaveLength(150);
  });
});
