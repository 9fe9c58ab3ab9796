import { describe, expect, it } from "vitest";
import { APP_LABELS, TIKTOK_REDIRECT_URI, appForm, appOf, redirectUriError, toDeveloperAppForm, validateAppForm, type AppForm } from "./apps";

const instagram: AppForm = {
  client_id: "1234567890123456",
  redirect_uri: "https://me.github.io/herald/oauth/instagram/",
  secret: "s3cr3t",
};

describe("redirect page address", () => {
  it("accepts an https page", () => {
    expect(redirectUriError("https://me.github.io/herald/oauth/instagram/")).toBeNull();
    expect(redirectUriError("  https://example.com/cb  ")).toBeNull();
  });

  it("refuses what the core refuses", () => {
    // The same cases as the core's `meta_redirects_must_be_https_pages`.
    for (const bad of ["http://me.github.io/oauth/", "herald://oauth/instagram", "https:///oauth", "https://x.test/cb#_", "https://x.test/a b", ""]) {
      expect(redirectUriError(bad), bad).not.toBeNull();
    }
    expect(redirectUriError("http://me.github.io/")).toMatch(/https:\/\//);
    expect(redirectUriError("https://x.test/cb#_")).toMatch(/#/);
    expect(redirectUriError("https://x.test/a\tb")).toMatch(/spaces/);
    expect(redirectUriError("https://x.test/a\u0000b")).toMatch(/spaces/);
    expect(redirectUriError("https:///oauth")).toMatch(/host/);
    expect(redirectUriError(`https://x.test/${"a".repeat(500)}`)).toMatch(/512/);
  });
});

describe("developer app form", () => {
  it("prefills from the saved app, never with the secret", () => {
    expect(appForm({ platform: "instagram", client_id: "123", redirect_uri: "https://x.test/cb/" })).toEqual({
      client_id: "123",
      redirect_uri: "https://x.test/cb/",
      secret: "",
    });
    // TikTok's redirect is fixed, not a field.
    expect(appForm({ platform: "tiktok", client_id: "awkey", redirect_uri: TIKTOK_REDIRECT_URI }).redirect_uri).toBe("");
    expect(appForm(null)).toEqual({ client_id: "", redirect_uri: "", secret: "" });
  });

  it("accepts a complete form", () => {
    expect(validateAppForm("instagram", instagram, false)).toEqual({});
  });

  it("names the platform's own words for a missing id and secret", () => {
    const empty = { client_id: " ", redirect_uri: "", secret: "" };
    expect(validateAppForm("instagram", empty, false)).toMatchObject({
      client_id: "Enter the Instagram app ID.",
      secret: "Enter the Instagram app secret; Herald keeps it in your OS keyring.",
    });
    expect(validateAppForm("facebook", empty, false).client_id).toBe("Enter the Meta app ID.");
    expect(validateAppForm("tiktok", empty, false).client_id).toBe("Enter the TikTok client key.");
  });

  it("keeps the stored secret when the field is left empty", () => {
    expect(validateAppForm("instagram", { ...instagram, secret: "" }, true)).toEqual({});
    expect(toDeveloperAppForm("instagram", { ...instagram, secret: "  " }).secret).toBeNull();
  });

  it("refuses an id with spaces or too long", () => {
    expect(validateAppForm("instagram", { ...instagram, client_id: "123 456" }, true).client_id).toMatch(/spaces/);
    expect(validateAppForm("instagram", { ...instagram, client_id: "1".repeat(129) }, true).client_id).toMatch(/too long/);
    expect(validateAppForm("instagram", { ...instagram, client_id: "1".repeat(128) }, true)).toEqual({});
  });

  it("wants a redirect page for Instagram and Facebook, none for TikTok", () => {
    expect(validateAppForm("facebook", { ...instagram, redirect_uri: "" }, true).redirect_uri).toBeDefined();
    expect(validateAppForm("tiktok", { ...instagram, redirect_uri: "" }, true)).toEqual({});
  });

  it("sends trimmed values, and no redirect for TikTok", () => {
    expect(toDeveloperAppForm("instagram", { client_id: " 123 ", redirect_uri: " https://x.test/cb/ ", secret: " s " })).toEqual({
      platform: "instagram",
      client_id: "123",
      redirect_uri: "https://x.test/cb/",
      secret: "s",
    });
    expect(toDeveloperAppForm("tiktok", { client_id: "awkey", redirect_uri: "ignored", secret: "" })).toEqual({
      platform: "tiktok",
      client_id: "awkey",
      redirect_uri: null,
      secret: null,
    });
  });

  it("finds a platform's app, and labels each platform", () => {
    const apps = [{ platform: "tiktok" as const, client_id: "awkey", redirect_uri: TIKTOK_REDIRECT_URI }];
    expect(appOf(apps, "tiktok")?.client_id).toBe("awkey");
    expect(appOf(apps, "instagram")).toBeNull();
    expect(appOf(null, "tiktok")).toBeNull();
    expect([APP_LABELS.instagram.clientId, APP_LABELS.facebook.clientId, APP_LABELS.tiktok.clientId]).toEqual([
      "Instagram app ID",
      "Meta app ID",
      "TikTok client key",
    ]);
  });
});
