// Settings → Accounts and the reconnect banner: how an account's state reads, and what can be
// done with it. No DOM here, so it is all unit-tested.
import type { AccountStatus, AccountView, Platform } from "./backend/types";
import { sentence } from "./format";
import { PLATFORM_LABELS } from "./posts";

/** The platforms in the order Settings shows them. */
export const PLATFORMS: readonly Platform[] = ["instagram", "facebook", "tiktok"];

export const ACCOUNT_STATUS_LABELS: Record<AccountStatus, string> = {
  connected: "Connected",
  needs_reconnect: "Needs reconnect",
  disconnected: "Disconnected",
};

/** The label of each platform's Connect button. */
export const CONNECT_LABELS: Record<Platform, string> = {
  instagram: "Connect Instagram",
  facebook: "Connect Facebook Pages",
  tiktok: "Connect TikTok",
};

/** An account as a short phrase: "Instagram @acme", "Facebook Linden Bakery". */
export function accountLabel(account: Pick<AccountView, "platform" | "name">): string {
  return `${PLATFORM_LABELS[account.platform]} ${account.name}`;
}

export interface RowActions {
  /** Sign in again at the platform (real accounts that can't publish). */
  reconnect: boolean;
  /** Disconnect… (any account still connected, even if it needs reconnecting). */
  disconnect: boolean;
}

/** The buttons an account's row offers. Sandbox accounts can't be signed into. */
export function rowActions(account: Pick<AccountView, "status" | "simulated">): RowActions {
  return {
    reconnect: !account.simulated && account.status !== "connected",
    disconnect: account.status !== "disconnected",
  };
}

/** Real accounts that need reconnecting (sandbox accounts never do anything real). */
export function accountsNeedingReconnect(accounts: readonly AccountView[]): AccountView[] {
  return accounts.filter((a) => !a.simulated && a.status === "needs_reconnect");
}

export interface BannerItem {
  id: number;
  platform: Platform;
  label: string;
  /** Why it needs reconnecting, as a sentence; null when the core did not say. */
  reason: string | null;
}

export interface ReconnectBannerContent {
  /** The banner's sentence(s). */
  text: string;
  /** Several accounts: one line each (empty for a single account, whose text says it all). */
  items: BannerItem[];
  /** The accounts concerned, in list order. */
  accounts: BannerItem[];
}

function bannerItem(account: AccountView): BannerItem {
  const reason = account.reconnect_reason?.trim();
  return { id: account.id, platform: account.platform, label: accountLabel(account), reason: reason ? sentence(reason) : null };
}

/** What the needs-reconnect banner says; null when no real account needs reconnecting. */
export function reconnectBanner(accounts: readonly AccountView[]): ReconnectBannerContent | null {
  const concerned = accountsNeedingReconnect(accounts).map(bannerItem);
  if (concerned.length === 0) return null;
  if (concerned.length === 1) {
    const [one] = concerned;
    const head = one.reason ? `${one.label} needs reconnecting: ${one.reason}` : `${one.label} needs reconnecting.`;
    return { text: `${head} Its scheduled posts wait until you reconnect.`, items: [], accounts: concerned };
  }
  return {
    text: `${concerned.length} accounts need reconnecting. Their scheduled posts wait until you reconnect.`,
    items: concerned,
    accounts: concerned,
  };
}

/**
 * When the account's access ends, discreetly: "Access valid until 12 Mar 2026", or
 * "Access expired on …" once past; null when the token does not expire or it is unknown.
 */
export function accessValidity(
  tokenExpiresAt: string | null,
  now: Date,
  locale?: string,
  timeZone?: string,
): string | null {
  if (!tokenExpiresAt) return null;
  const at = Date.parse(tokenExpiresAt);
  if (Number.isNaN(at)) return null;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(new Date(at));
  return at > now.getTime() ? `Access valid until ${date}` : `Access expired on ${date}`;
}
