// Turns the query string Meta (Instagram Login, Facebook Login) appends to the https
// redirect URI into the herald:// link that hands the sign-in result to the app.
//
// Pure and dependency-free: the same module runs in the redirect pages and in Herald's
// tests. Only the sign-in result is forwarded (code, state, error, error_reason,
// error_description); anything else, tokens included, is dropped. Reasons never repeat
// any part of the input.

/** The providers whose sign-in result Herald accepts. */
export const PROVIDERS = Object.freeze(["instagram", "facebook"]);

/** The longest query string looked at all. */
const MAX_SEARCH = 8192;

const STATE = /^[A-Za-z0-9_-]{16,128}$/;
const CODE = /^[A-Za-z0-9_\-.~*!#]{1,2048}$/;
const ERROR_WORD = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_DESCRIPTION = 300;
// Control characters, lone surrogates and bidirectional overrides are not printable text.
const NOT_PRINTABLE = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;

/** The parameters forwarded, in the order they appear in the link (code and error exclude each other). */
const FORWARDED = ["code", "error", "error_reason", "error_description", "state"];

function refuse(reason) {
  return { ok: false, reason };
}

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/**
 * The herald:// link for a sign-in result, or why there is none.
 *
 * @param {string} provider "instagram" or "facebook"
 * @param {string} search the page's `location.search` (a leading "?" is optional;
 *   anything from a "#" on is ignored)
 * @returns {{ ok: true, url: string } | { ok: false, reason: string }}
 */
export function heraldLink(provider, search) {
  if (typeof provider !== "string" || !PROVIDERS.includes(provider)) {
    return refuse("This page only returns Instagram or Facebook sign-ins to Herald.");
  }
  if (typeof search !== "string") {
    return refuse("There is no sign-in result in this address.");
  }
  let query = search;
  const hash = query.indexOf("#");
  if (hash !== -1) query = query.slice(0, hash);
  if (query.startsWith("?")) query = query.slice(1);
  if (query.length > MAX_SEARCH) {
    return refuse("This address is too long to be a sign-in result.");
  }

  // Raw values of the forwarded parameters; every name is checked for repeats.
  const seen = new Set();
  const raw = new Map();
  for (const piece of query.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const name = decode(eq === -1 ? piece : piece.slice(0, eq));
    if (name === null) {
      return refuse("This address is not a well-formed sign-in result.");
    }
    if (seen.has(name)) {
      return refuse("This address repeats a parameter, so it is not a sign-in result Herald trusts.");
    }
    seen.add(name);
    if (FORWARDED.includes(name)) raw.set(name, eq === -1 ? "" : piece.slice(eq + 1));
  }

  const values = new Map();
  for (const [name, text] of raw) {
    const value = decode(text);
    if (value === null) {
      return refuse("This address is not a well-formed sign-in result.");
    }
    values.set(name, value);
  }

  const state = values.get("state");
  if (state === undefined || state === "") {
    return refuse("This sign-in result has no state, so Herald cannot match it to a connection it started.");
  }
  if (!STATE.test(state)) {
    return refuse("This sign-in result's state is not one Herald makes.");
  }

  const out = [];
  const hasCode = values.has("code");
  const hasError = values.has("error");
  if (hasCode && hasError) {
    return refuse("This sign-in result has both a code and an error.");
  }
  if (hasCode) {
    if (values.has("error_reason") || values.has("error_description")) {
      return refuse("This sign-in result mixes a code with error details.");
    }
    let code = values.get("code");
    if (code.endsWith("#_")) code = code.slice(0, -2);
    if (!CODE.test(code)) {
      return refuse("This sign-in result's code is not in the form Meta uses.");
    }
    out.push(["code", code]);
  } else if (hasError) {
    const error = values.get("error");
    if (!ERROR_WORD.test(error)) {
      return refuse("This sign-in error is not in the form Meta uses.");
    }
    out.push(["error", error]);
    const reason = values.get("error_reason");
    if (reason !== undefined && reason !== "") {
      if (!ERROR_WORD.test(reason)) {
        return refuse("This sign-in error's reason is not in the form Meta uses.");
      }
      out.push(["error_reason", reason]);
    }
    const description = values.get("error_description");
    if (description !== undefined && description !== "") {
      if ([...description].length > MAX_DESCRIPTION || NOT_PRINTABLE.test(description)) {
        return refuse("This sign-in error's description is too long or not plain text.");
      }
      out.push(["error_description", description]);
    }
  } else {
    return refuse("This address has neither a sign-in code nor a sign-in error.");
  }
  out.push(["state", state]);

  const params = out.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&");
  return { ok: true, url: `herald://oauth/${provider}?${params}` };
}
