// Signing in at a platform from Settings → Accounts: what the "pending" panel shows, and how a
// start, a pasted link or the `sign-in-finished` event changes it. Pure; the shared state lives
// in signInState.svelte.ts.
import type { Platform, SignInFinished, SignInStarted } from "./backend/types";
import { sentence } from "./format";
import { PLATFORM_LABELS } from "./posts";

export interface PendingSignIn {
  platform: Platform;
  /** Waiting for the core to open the browser. */
  starting: boolean;
  /** The platform's sign-in page (to copy when the browser did not open); null until known. */
  authorizeUrl: string | null;
  /** Why the browser could not be opened, as a sentence. */
  browserProblem: string | null;
  /** Why the sign-in failed, as a sentence. */
  error: string | null;
}

/** Clicked Connect or Reconnect: waiting for the browser to open. */
export function starting(platform: Platform): PendingSignIn {
  return { platform, starting: true, authorizeUrl: null, browserProblem: null, error: null };
}

/** The browser was opened (or could not be: `browser_problem`). */
export function started(result: SignInStarted): PendingSignIn {
  const problem = result.browser_problem?.trim();
  return {
    platform: result.platform,
    starting: false,
    authorizeUrl: result.authorize_url,
    browserProblem: problem ? sentence(problem) : null,
    error: null,
  };
}

/** The sign-in could not start, or a pasted link was refused: the panel stays, with the reason. */
export function failed(current: PendingSignIn | null, platform: Platform, message: string): PendingSignIn {
  const base = current?.platform === platform ? current : starting(platform);
  return { ...base, starting: false, error: sentence(message) || "The sign-in failed." };
}

export interface AfterFinish {
  /** The pending panel after the outcome (null: closed). */
  pending: PendingSignIn | null;
  /** The success sentence to show, if it went well. */
  success: string | null;
}

/**
 * A sign-in ended (the event, the result kept from a cold start, or a pasted link). Success
 * closes the panel of that platform (a sign-in pending elsewhere stays); failure shows the
 * reason in the panel, opening it if needed (a cold start).
 */
export function finished(current: PendingSignIn | null, outcome: SignInFinished): AfterFinish {
  if (outcome.ok) {
    const message = sentence(outcome.message) || `Connected ${PLATFORM_LABELS[outcome.platform]}.`;
    return { pending: current?.platform === outcome.platform ? null : current, success: message };
  }
  return { pending: failed(current, outcome.platform, outcome.message), success: null };
}

/** The panel's heading. */
export function pendingTitle(pending: PendingSignIn): string {
  const name = PLATFORM_LABELS[pending.platform];
  if (pending.error) return `Signing in to ${name} did not work`;
  if (pending.starting) return `Opening ${name}'s sign-in page…`;
  return `Finish signing in to ${name} in your browser…`;
}

/** Instagram and Facebook come back through the redirect page, whose link can be pasted. */
export function canPasteLink(platform: Platform): boolean {
  return platform !== "tiktok";
}

/** What is wrong with a pasted link before sending it; null when it can be tried. */
export function pastedLinkError(text: string): string | null {
  const value = text.trim();
  if (!value) return "Paste the link the redirect page offers (it starts with herald://oauth/).";
  if (value.length > 4096) return "This is too long to be a sign-in link.";
  return null;
}
