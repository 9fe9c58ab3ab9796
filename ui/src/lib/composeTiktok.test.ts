import { describe, expect, it } from "vitest";
import type { TikTokCreator } from "./backend/types";
import {
  BRANDED_PRIVATE,
  consentNotices,
  consentParts,
  consentSentence,
  defaultTiktokOptions,
  DISCLOSURE_NEEDED,
  disclosureLabel,
  interactionControls,
  privacyChoices,
  settleTiktokOptions,
  tiktokProblems,
} from "./composeTiktok";

function creator(extra: Partial<TikTokCreator> = {}): TikTokCreator {
  return {
    nickname: "Linden Bakery",
    privacy_level_options: ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
    comment_disabled: false,
    duet_disabled: false,
    stitch_disabled: true,
    max_video_post_duration_sec: 300,
    checked_at: "2026-06-10T08:00:00Z",
    ...extra,
  };
}

describe("TikTok's required controls", () => {
  it("starts with no privacy level and every interaction off", () => {
    const options = defaultTiktokOptions();
    expect(options.privacy_level).toBeNull();
    expect([options.allow_comment, options.allow_duet, options.allow_stitch, options.your_brand, options.branded_content]).toEqual([false, false, false, false, false]);
  });

  it("offers exactly the creator's levels, greying out Only me for branded content", () => {
    const choices = privacyChoices([creator()], false);
    expect(choices.known).toBe(true);
    expect(choices.options.map((o) => o.label)).toEqual(["Everyone", "Friends", "Only me"]);
    const branded = privacyChoices([creator()], true).options.find((o) => o.value === "SELF_ONLY");
    expect(branded).toMatchObject({ disabled: true, reason: BRANDED_PRIVATE });
    // Two accounts: only the levels both offer. None known: all four.
    const privateAccount = creator({ privacy_level_options: ["FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"] });
    expect(privacyChoices([creator(), privateAccount], false).options.map((o) => o.value)).toEqual(["MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]);
    expect(privacyChoices([null], false)).toMatchObject({ known: false });
    expect(privacyChoices([null], false).options).toHaveLength(4);
  });

  it("greys out interactions the creator turned off; photos offer comments only", () => {
    const controls = interactionControls([creator()], "video");
    expect(controls.map((c) => [c.id, c.disabled])).toEqual([
      ["comment", false],
      ["duet", false],
      ["stitch", true],
    ]);
    expect(controls[2].reason).toBe("Linden Bakery has turned off stitches on TikTok.");
    expect(interactionControls([creator()], "photos").map((c) => c.id)).toEqual(["comment"]);
  });

  it("words the disclosure and the consent as TikTok asks", () => {
    expect(disclosureLabel(true, false, "video")).toBe("Your video will be labeled as 'Promotional content'");
    expect(disclosureLabel(true, true, "photos")).toBe("Your photo will be labeled as 'Paid partnership'");
    expect(disclosureLabel(false, false, "video")).toBeNull();
    expect(consentSentence(false)).toBe("By posting, you agree to TikTok's Music Usage Confirmation.");
    expect(consentSentence(true)).toBe("By posting, you agree to TikTok's Branded Content Policy and Music Usage Confirmation.");
    expect(consentParts(consentSentence(true)).map((p) => [p.text, p.href !== null])).toEqual([
      ["By posting, you agree to TikTok's ", false],
      ["Branded Content Policy", true],
      [" and ", false],
      ["Music Usage Confirmation", true],
      [".", false],
    ]);
  });

  it("blocks without a privacy level, with an empty disclosure, or private branded content", () => {
    const options = defaultTiktokOptions();
    expect(tiktokProblems(options, false, "video")).toEqual([expect.stringContaining("Choose who can see")]);
    expect(tiktokProblems({ ...options, draft_in_app: true }, false, "video")).toEqual([]);
    expect(tiktokProblems({ ...options, privacy_level: "PUBLIC_TO_EVERYONE" }, true, "video")).toEqual([DISCLOSURE_NEEDED]);
    expect(tiktokProblems({ ...options, privacy_level: "SELF_ONLY", branded_content: true }, true, "video")).toEqual([
      expect.stringContaining("cannot be set to private"),
    ]);
  });

  it("keeps the options consistent", () => {
    const on = { ...defaultTiktokOptions(), allow_stitch: true, allow_duet: true, your_brand: true, photo_title: "Hi" };
    expect(settleTiktokOptions(on, true, [creator()], "video")).toMatchObject({ allow_stitch: false, allow_duet: true, your_brand: true, photo_title: null });
    expect(settleTiktokOptions(on, false, [], "photos")).toMatchObject({ allow_duet: false, your_brand: false, photo_title: "Hi" });
  });

  it("takes the consent notices from the core's checks", () => {
    const checks = [
      { platform: "tiktok" as const, account: "@linden", violations: [], changes: [], notices: ["Posts as Linden Bakery on TikTok. By posting, you agree to TikTok's Music Usage Confirmation.", "Other"] },
      { platform: "instagram" as const, violations: [], changes: [], notices: ["By posting, you agree (not TikTok)"] },
    ];
    expect(consentNotices(checks)).toEqual(["Posts as Linden Bakery on TikTok. By posting, you agree to TikTok's Music Usage Confirmation."]);
  });
});
