import { describe, expect, it } from "vitest";
import type { MediaFacts } from "./backend/types";
import { addMedia, factsLine, fileName, formatBytes, formatDuration, isJpegPath, mediaKindOf, mediaKinds, moveForKey, moveMedia, outsideInstagramFeed, removeMedia } from "./composeMedia";

function facts(extra: Partial<MediaFacts> = {}): MediaFacts {
  return { path: "/a.jpg", kind: "image", mime: "image/jpeg", size_bytes: 482_113, width: 1080, height: 1350, duration_ms: null, problem: null, ...extra };
}

describe("the composer's media", () => {
  it("adds files once, in order", () => {
    const one = addMedia([], ["/a.jpg", "/b.mp4", "/a.jpg"]);
    expect(one.map((m) => m.path)).toEqual(["/a.jpg", "/b.mp4"]);
    expect(addMedia(one, ["/b.mp4", "/c.png"]).map((m) => m.path)).toEqual(["/a.jpg", "/b.mp4", "/c.png"]);
  });

  it("reorders and removes", () => {
    expect(moveMedia(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(moveMedia(["a", "b", "c"], 2, -5)).toEqual(["c", "a", "b"]);
    expect(moveMedia(["a", "b"], 5, 0)).toEqual(["a", "b"]);
    expect(removeMedia(["a", "b", "c"], 1)).toEqual(["a", "c"]);
    expect(moveForKey(0, 3, "ArrowLeft")).toBeNull();
    expect(moveForKey(0, 3, "ArrowRight")).toBe(1);
    expect(moveForKey(1, 3, "End")).toBe(2);
    expect(moveForKey(1, 3, "x")).toBeNull();
  });

  it("knows a file's kind from its facts, else its extension", () => {
    expect(mediaKindOf("/x/clip.MOV")).toBe("video");
    expect(mediaKindOf("C:\\Pics\\a.HEIC")).toBe("image");
    expect(mediaKindOf("/x/notes.txt")).toBeNull();
    expect(mediaKindOf("/x/odd.bin", facts({ kind: "video" }))).toBe("video");
    expect(mediaKinds([{ path: "/x.bin", alt_text: "" }], new Map())).toEqual(["image"]);
    expect(fileName("C:\\Pics\\a.jpg")).toBe("a.jpg");
    expect(isJpegPath("/c/Cover.JPEG")).toBe(true);
    expect(isJpegPath("/c/cover.png")).toBe(false);
  });

  it("describes a file", () => {
    expect(factsLine(facts())).toBe("JPEG · 1080×1350 · 482 KB");
    expect(factsLine(facts({ kind: "video", mime: "video/mp4", width: 1920, height: 1080, duration_ms: 42_400, size_bytes: 12_345_678 }))).toBe(
      "MP4 · 1920×1080 · 0:42 · 12 MB",
    );
    expect(factsLine(null)).toBe("Reading…");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(3_912_440)).toBe("3.9 MB");
    expect(formatDuration(3_723_000)).toBe("1:02:03");
  });

  it("tells when a photo needs Fit or Crop for Instagram's feed", () => {
    expect(outsideInstagramFeed(facts())).toBe(false);
    expect(outsideInstagramFeed(facts({ width: 1080, height: 1920 }))).toBe(true);
    expect(outsideInstagramFeed(facts({ kind: "video", width: 1080, height: 1920 }))).toBe(false);
  });
});
