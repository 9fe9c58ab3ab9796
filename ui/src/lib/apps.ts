// Settings → Platforms: the user's own developer app per platform ("bring your own app").
// The rules mirror the core's (`set_developer_app`, `check_meta_redirect_uri`), so most
// mistakes show before saving.
import type { DeveloperApp, DeveloperAppForm, Platform } from "./backend/types";

/** TikTok's redirect URI for a desktop app: Herald's loopback listener on any port. */
export const TIKTOK_REDIRECT_URI = "http://127.0.0.1:*/callback/";

/** What each platform calls the app's id and secret, as the developer dashboards name them. */
export const APP_LABELS: Record<Platform, { title: string; clientId: string; secret: string; redirectExample: string | null }> = {
  instagram: {
    title: "Instagram",
    clientId: "Instagram app ID",
    secret: "Instagram app secret",
    redirectExample: "https://you.github.io/herald/oauth/instagram/",
  },
  facebook: {
    title: "Facebook Pages",
    clientId: "Meta app ID",
    secret: "Meta app secret",
    redirectExample: "https://you.github.io/herald/oauth/facebook/",
  },
  tiktok: {
    title: "TikTok",
    clientId: "TikTok client key",
    secret: "TikTok client secret",
    redirectExample: null,
  },
};

/** Instagram and Facebook come back through the hosted redirect page; TikTok to the loopback. */
export function usesRedirectPage(platform: Platform): boolean {
  return platform !== "tiktok";
}

/** The form's fields, as typed. The secret always starts empty (it is never read back). */
export interface AppForm {
  client_id: string;
  redirect_uri: string;
  secret: string;
}

export type AppField = keyof AppForm;
export type AppErrors = Partial<Record<AppField, string>>;

export function appForm(app: DeveloperApp | null): AppForm {
  return {
    client_id: app?.client_id ?? "",
    redirect_uri: app && usesRedirectPage(app.platform) ? app.redirect_uri : "",
    secret: "",
  };
}

/** What is wrong with a redirect page address, as the core checks it; null when it is fine. */
export function redirectUriError(uri: string): string | null {
  const value = uri.trim();
  if (!value) return "Enter the address of your hosted redirect page.";
  if (!value.startsWith("https://")) return "The address must start with https:// (Meta accepts no other redirect).";
  if (value.length > 512) return "The address is longer than 512 characters.";
  if (value.includes("#")) return "The address must not contain #.";
  // Any whitespace or control character (what Rust's `is_whitespace`/`is_control` catch).
  if (/[\s\p{Cc}]/u.test(value)) return "The address must not contain spaces.";
  if (!value.slice("https://".length).split("/")[0]) return "The address has no host name.";
  return null;
}

/** What must be fixed before the app can be saved. `saved`: an app (so a secret) is stored already. */
export function validateAppForm(platform: Platform, form: AppForm, saved: boolean): AppErrors {
  const errors: AppErrors = {};
  const labels = APP_LABELS[platform];
  const clientId = form.client_id.trim();
  if (!clientId) {
    errors.client_id = `Enter the ${labels.clientId}.`;
  } else if (clientId.length > 128 || /\s/.test(clientId)) {
    errors.client_id = `The ${labels.clientId} has spaces or is too long; copy it again from the developer dashboard.`;
  }
  if (usesRedirectPage(platform)) {
    const problem = redirectUriError(form.redirect_uri);
    if (problem) errors.redirect_uri = problem;
  }
  if (!saved && !form.secret.trim()) {
    errors.secret = `Enter the ${labels.secret}; Herald keeps it in your OS keyring.`;
  }
  return errors;
}

/** The command's argument: trimmed; an empty secret keeps the stored one. */
export function toDeveloperAppForm(platform: Platform, form: AppForm): DeveloperAppForm {
  const secret = form.secret.trim();
  return {
    platform,
    client_id: form.client_id.trim(),
    redirect_uri: usesRedirectPage(platform) ? form.redirect_uri.trim() : null,
    secret: secret ? secret : null,
  };
}

/** The saved app of `platform`, if any. */
export function appOf(apps: readonly DeveloperApp[] | null, platform: Platform): DeveloperApp | null {
  return apps?.find((a) => a.platform === platform) ?? null;
}
