import { describe, expect, it } from "vitest";
import { coverBox, previewFrame, ratioLabel } from "./composePreview";

const base = { kind: "post" as const, video: false, count: 1, aspectFix: null };

describe("preview frames", () => {
  it("computes the centred crop of a picture", () => {
    expect(coverBox(1000, 1000, 0.8)).toEqual({ x: 100, y: 0, width: 800, height: 1000 });
    expect(coverBox(1080, 1920, 0.8)).toEqual({ x: 0, y: 285, width: 1080, height: 1350 });
  });

  it("shows an Instagram feed photo in range as it is", () => {
    const frame = previewFrame({ ...base, platform: "instagram", size: { width: 1080, height: 1350 } });
    expect(frame).toMatchObject({ aspect: 0.8, fit: "cover", note: null });
  });

  it("pads with Fit and crops with Crop to the nearest allowed ratio", () => {
    const tall = { width: 1080, height: 1920 };
    const fit = previewFrame({ ...base, platform: "instagram", size: tall, aspectFix: "fit" });
    expect(fit).toMatchObject({ aspect: 0.8, fit: "contain", pad: "white", note: "White bars added up to 4:5" });
    const crop = previewFrame({ ...base, platform: "instagram", size: tall, aspectFix: "crop" });
    expect(crop).toMatchObject({ aspect: 0.8, fit: "cover", note: "Cropped to 4:5", visible: { x: 0, y: 285, width: 1080, height: 1350 } });
    const wide = previewFrame({ ...base, platform: "instagram", size: { width: 3000, height: 1000 }, aspectFix: "crop" });
    expect(wide.aspect).toBe(1.91);
    expect(previewFrame({ ...base, platform: "instagram", size: tall }).note).toMatch(/choose Fit or Crop/);
  });

  it("fills 9:16 for reels and TikTok, and shows Facebook as it is", () => {
    const landscape = { width: 1920, height: 1080 };
    expect(previewFrame({ ...base, platform: "instagram", kind: "reel", video: true, size: landscape })).toMatchObject({ aspect: 9 / 16, fit: "cover" });
    expect(previewFrame({ ...base, platform: "tiktok", size: landscape })).toMatchObject({ aspect: 9 / 16, fit: "contain", pad: "black" });
    expect(previewFrame({ ...base, platform: "tiktok", size: { width: 1080, height: 1920 } })).toMatchObject({ fit: "cover", note: null });
    expect(previewFrame({ ...base, platform: "facebook", size: landscape })).toMatchObject({ aspect: 16 / 9, fit: "cover", note: null });
    expect(previewFrame({ ...base, platform: "facebook", size: null }).aspect).toBe(1.91);
  });

  it("names ratios", () => {
    expect(ratioLabel(0.8)).toBe("4:5");
    expect(ratioLabel(1.91)).toBe("1.91:1");
    expect(ratioLabel(1080 / 1920)).toBe("9:16");
    expect(ratioLabel(0.3)).toBe("0.3:1");
  });
});
