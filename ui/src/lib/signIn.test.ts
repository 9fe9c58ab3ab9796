import { describe, expect, it } from "vitest";
import type { SignInFinished } from "./backend/types";
import { canPasteLink, failed, finished, pastedLinkError, pendingTitle, started, starting } from "./signIn";

const url = "https://www.instagram.com/oauth/authorize?client_id=1&state=abc";

function outcome(extra: Partial<SignInFinished>): SignInFinished {
  return { platform: "instagram", ok: true, message: "Connected Instagram account @acme.", accounts: [], ...extra };
}

describe("sign-in panel", () => {
  it("starts, then waits for the browser with the link to copy", () => {
    expect(starting("tiktok")).toEqual({ platform: "tiktok", starting: true, authorizeUrl: null, browserProblem: null, error: null });
    expect(started({ platform: "instagram", authorize_url: url, browser_problem: null })).toEqual({
      platform: "instagram",
      starting: false,
      authorizeUrl: url,
      browserProblem: null,
      error: null,
    });
  });

  it("says why the browser did not open, as a sentence", () => {
    expect(started({ platform: "facebook", authorize_url: url, browser_problem: "no browser found" }).browserProblem).toBe(
      "No browser found.",
    );
  });

  it("closes on success and keeps the message", () => {
    const pending = started({ platform: "instagram", authorize_url: url, browser_problem: null });
    expect(finished(pending, outcome({}))).toEqual({ pending: null, success: "Connected Instagram account @acme." });
    // A cold start: nothing was pending.
    expect(finished(null, outcome({}))).toEqual({ pending: null, success: "Connected Instagram account @acme." });
  });

  it("leaves another platform's sign-in pending", () => {
    const tiktok = started({ platform: "tiktok", authorize_url: url, browser_problem: null });
    expect(finished(tiktok, outcome({ platform: "instagram" })).pending).toBe(tiktok);
  });

  it("shows a failure in the panel, keeping the link, or opens it with the reason", () => {
    const pending = started({ platform: "instagram", authorize_url: url, browser_problem: null });
    const after = finished(pending, outcome({ ok: false, message: "the sign-in expired; start it again" }));
    expect(after.success).toBeNull();
    expect(after.pending).toEqual({ ...pending, error: "The sign-in expired; start it again." });
    expect(finished(null, outcome({ ok: false, platform: "facebook", message: "You cancelled." })).pending).toEqual({
      platform: "facebook",
      starting: false,
      authorizeUrl: null,
      browserProblem: null,
      error: "You cancelled.",
    });
    expect(failed(null, "tiktok", "").error).toBe("The sign-in failed.");
  });

  it("titles the panel by where it stands", () => {
    expect(pendingTitle(starting("tiktok"))).toBe("Opening TikTok's sign-in page…");
    expect(pendingTitle(started({ platform: "instagram", authorize_url: url, browser_problem: null }))).toBe(
      "Finish signing in to Instagram in your browser…",
    );
    expect(pendingTitle(failed(null, "facebook", "no"))).toBe("Signing in to Facebook did not work");
  });

  it("offers the pasted link for Instagram and Facebook only", () => {
    expect(canPasteLink("instagram")).toBe(true);
    expect(canPasteLink("facebook")).toBe(true);
    expect(canPasteLink("tiktok")).toBe(false);
  });

  it("checks a pasted link is there before sending it", () => {
    expect(pastedLinkError("  ")).toMatch(/herald:\/\/oauth\//);
    expect(pastedLinkError("x".repeat(4097))).toMatch(/too long/);
    expect(pastedLinkError("herald://oauth/instagram?code=a&state=b")).toBeNull();
    // The redirect page's own address works too; the core tells them apart.
    expect(pastedLinkError("https://me.github.io/herald/oauth/instagram/?code=a&state=b")).toBeNull();
  });
});
