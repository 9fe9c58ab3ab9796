import { describe, expect, it } from "vitest";
import type { AccountView } from "./backend/types";
import { cleanLine, firstCommentOutcome, shouldCheck, summarizeChecks, targetQuota } from "./detail";
import { makeAccount, makePost, makeTarget } from "./testing";

const quota = { used: 12, total: 50, window_hours: 24, checked_at: "2026-06-10T08:00:00Z" };
const accounts: AccountView[] = [
  makeAccount({ id: 1, platform: "instagram", name: "@acme", quota }),
  makeAccount({ id: 2, platform: "facebook", name: "Acme" }),
  makeAccount({ id: 3, platform: "instagram", name: "@other" }),
];

describe("shouldCheck", () => {
  it("checks drafts and posts still waiting, not finished ones or posts without accounts", () => {
    expect(shouldCheck(makePost())).toBe(true);
    expect(shouldCheck(makePost({ draft: true, targets: [makeTarget("draft")] }))).toBe(true);
    expect(shouldCheck(makePost({ targets: [makeTarget("published"), makeTarget("scheduled", { account_id: 2 })] }))).toBe(true);
    expect(shouldCheck(makePost({ targets: [makeTarget("published")] }))).toBe(false);
    expect(shouldCheck(makePost({ targets: [makeTarget("failed")] }))).toBe(false);
    expect(shouldCheck(makePost({ draft: true, targets: [] }))).toBe(false);
  });
});

describe("summarizeChecks", () => {
  it("lists violations, then changes, then notices per network, and names the clean ones", () => {
    const summary = summarizeChecks([
      { platform: "facebook", violations: [], changes: [], notices: [] },
      {
        platform: "instagram",
        violations: [{ code: "image_aspect", message: "This photo is 9:16." }],
        changes: ["Converted from PNG to JPEG"],
        notices: ["The caption has 6 hashtags."],
      },
      { platform: "tiktok", violations: [], changes: [], notices: [] },
    ]);
    expect(summary.groups).toEqual([
      {
        platform: "instagram",
        label: "Instagram",
        items: [
          { kind: "violation", text: "This photo is 9:16.", code: "image_aspect" },
          { kind: "change", text: "Converted from PNG to JPEG" },
          { kind: "notice", text: "The caption has 6 hashtags." },
        ],
      },
    ]);
    expect(summary.clean).toEqual(["Facebook", "TikTok"]);
    expect(cleanLine(summary.clean)).toBe("Nothing to fix for Facebook and TikTok.");
  });

  it("labels a check without a network", () => {
    const summary = summarizeChecks([{ platform: null, violations: [], changes: ["Resized"], notices: [] }]);
    expect(summary.groups[0].label).toBe("All networks");
  });

  it("says nothing when every network has something to say", () => {
    expect(cleanLine([])).toBeNull();
    expect(cleanLine(["Facebook"])).toBe("Nothing to fix for Facebook.");
    expect(cleanLine(["A", "B", "C"])).toBe("Nothing to fix for A, B and C.");
  });
});

describe("firstCommentOutcome", () => {
  it("reports a posted comment or its error on published targets only", () => {
    expect(firstCommentOutcome(makeTarget("published", { first_comment: { id: "178" } }))).toEqual({
      ok: true,
      text: "First comment posted",
    });
    const error = "The post is live, but the first comment could not be posted: comments are off.";
    expect(firstCommentOutcome(makeTarget("published", { first_comment: { error } }))).toEqual({ ok: false, text: error });
    expect(firstCommentOutcome(makeTarget("published"))).toBeNull();
    expect(firstCommentOutcome(makeTarget("published", { first_comment: {} }))).toBeNull();
    expect(firstCommentOutcome(makeTarget("publishing", { first_comment: { id: "178" } }))).toBeNull();
  });
});

describe("targetQuota", () => {
  it("gives the account's quota for Instagram targets when known", () => {
    expect(targetQuota(makeTarget("scheduled"), accounts)).toEqual(quota);
    expect(targetQuota(makeTarget("scheduled", { account_id: 3 }), accounts)).toBeNull();
    expect(targetQuota(makeTarget("scheduled", { account_id: 2, platform: "facebook" }), accounts)).toBeNull();
    expect(targetQuota(makeTarget("scheduled", { account_id: 9 }), accounts)).toBeNull();
  });
});
