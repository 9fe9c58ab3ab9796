/** The providers whose sign-in result Herald accepts. */
export declare const PROVIDERS: readonly ["instagram", "facebook"];

/** A provider whose sign-in result Herald accepts. */
export type Provider = (typeof PROVIDERS)[number];

/** The herald:// link for a sign-in result, or a plain sentence saying why there is none. */
export type HeraldLink = { ok: true; url: string } | { ok: false; reason: string };

/**
 * The herald:// link for a sign-in result: `search` is the redirect page's `location.search`
 * (anything from a "#" on is ignored). Only code, state, error, error_reason and
 * error_description are forwarded; the provider is checked at run time.
 */
export declare function heraldLink(provider: string, search: string): HeraldLink;
