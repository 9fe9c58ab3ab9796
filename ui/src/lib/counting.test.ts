import { describe, expect, it } from "vitest";
import { captionCount, characters, hashtags, mentions, utf16Units } from "./counting";

describe("counting like the networks", () => {
  it("counts emoji as one character for Instagram and two units for TikTok", () => {
    expect(characters("🍞 bread")).toBe(7);
    expect(utf16Units("🍞 bread")).toBe(8);
    expect(utf16Units("日本")).toBe(2);
  });

  it("finds hashtags and mentions but not anchors or e-mail addresses", () => {
    expect(hashtags("#sun and #sea_side, #2026! # alone a#b #été")).toEqual(["#sun", "#sea_side", "#2026", "#été"]);
    expect(mentions("Thanks @natgeo and @acme.shop. Mail me@example.com @")).toEqual(["@natgeo", "@acme.shop"]);
  });

  it("flags a caption over the limit, counted each network's way", () => {
    const caption = "🍞".repeat(1101); // 1,101 characters, 2,202 UTF-16 units
    expect(captionCount("instagram", caption)).toMatchObject({ used: 1101, over: false });
    expect(captionCount("tiktok", caption)).toMatchObject({ used: 2202, over: true, unit: "UTF-16 units" });
  });
});
