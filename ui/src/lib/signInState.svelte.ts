// The sign-in in progress, shared by the window (which hears how it ended, even with Settings
// closed) and Settings → Accounts (which shows it). The transitions are in signIn.ts.
import { backend, errorMessage, type Platform, type SignInFinished } from "./backend";
import { failed, finished, started, starting, type PendingSignIn } from "./signIn";

export const signIn: { pending: PendingSignIn | null; success: string | null } = $state({
  pending: null,
  success: null,
});

/** Opens the platform's sign-in page in the browser; the panel shows what to do next. */
export async function beginSignIn(platform: Platform): Promise<void> {
  signIn.pending = starting(platform);
  signIn.success = null;
  try {
    const result = await backend.startSignIn(platform);
    // A newer sign-in (another Connect click) wins.
    if (signIn.pending?.platform === platform && signIn.pending.starting) signIn.pending = started(result);
  } catch (e) {
    signIn.pending = failed(signIn.pending, platform, errorMessage(e));
  }
}

/** Applies a sign-in outcome; returns the success sentence, if it went well. */
export function applySignInOutcome(outcome: SignInFinished): string | null {
  const next = finished(signIn.pending, outcome);
  signIn.pending = next.pending;
  signIn.success = next.success;
  return next.success;
}

/** Finishes an Instagram or Facebook sign-in from a pasted link; returns whether it worked. */
export async function completeSignIn(link: string): Promise<boolean> {
  const platform = signIn.pending?.platform ?? "instagram";
  try {
    applySignInOutcome(await backend.completeSignIn(link.trim()));
    return true;
  } catch (e) {
    signIn.pending = failed(signIn.pending, platform, errorMessage(e));
    return false;
  }
}

export function cancelSignIn(): void {
  signIn.pending = null;
}
