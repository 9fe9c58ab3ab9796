import { describe, expect, it } from "vitest";
import {
  ACCOUNT_STATUS_LABELS,
  accessValidity,
  accountLabel,
  accountsNeedingReconnect,
  reconnectBanner,
  rowActions,
} from "./accounts";
import { makeAccount } from "./testing";

const now = new Date("2026-03-01T12:00:00Z");

describe("account rows", () => {
  it("labels each status", () => {
    expect(ACCOUNT_STATUS_LABELS).toEqual({
      connected: "Connected",
      needs_reconnect: "Needs reconnect",
      disconnected: "Disconnected",
    });
  });

  it("names an account with its platform", () => {
    expect(accountLabel(makeAccount({ name: "@acme" }))).toBe("Instagram @acme");
    expect(accountLabel(makeAccount({ platform: "facebook", name: "Acme Bakery" }))).toBe("Facebook Acme Bakery");
    expect(accountLabel(makeAccount({ platform: "tiktok", name: "@acme.tt" }))).toBe("TikTok @acme.tt");
  });

  it("offers Reconnect to real accounts that can't publish, Disconnect to connected ones", () => {
    expect(rowActions(makeAccount({ status: "connected" }))).toEqual({ reconnect: false, disconnect: true });
    expect(rowActions(makeAccount({ status: "needs_reconnect" }))).toEqual({ reconnect: true, disconnect: true });
    expect(rowActions(makeAccount({ status: "disconnected" }))).toEqual({ reconnect: true, disconnect: false });
  });

  it("never offers to sign in to a sandbox account", () => {
    expect(rowActions(makeAccount({ simulated: true, status: "connected" }))).toEqual({ reconnect: false, disconnect: true });
    expect(rowActions(makeAccount({ simulated: true, status: "needs_reconnect" })).reconnect).toBe(false);
    expect(rowActions(makeAccount({ simulated: true, status: "disconnected" })).reconnect).toBe(false);
  });
});

describe("access validity", () => {
  it("says until when a token is valid, in the viewer's zone", () => {
    expect(accessValidity("2026-04-22T10:00:00Z", now, "en-GB", "UTC")).toBe("Access valid until 22 Apr 2026");
    expect(accessValidity("2026-04-22T10:00:00Z", now, "en-US", "UTC")).toBe("Access valid until Apr 22, 2026");
    // 02:00 UTC is still the previous day in New York.
    expect(accessValidity("2026-04-22T02:00:00Z", now, "en-US", "America/New_York")).toBe("Access valid until Apr 21, 2026");
  });

  it("says when it expired once past", () => {
    expect(accessValidity("2026-02-20T00:00:00Z", now, "en-GB", "UTC")).toBe("Access expired on 20 Feb 2026");
  });

  it("says nothing when the token does not expire or the date is unreadable", () => {
    expect(accessValidity(null, now)).toBeNull();
    expect(accessValidity("", now)).toBeNull();
    expect(accessValidity("soon", now)).toBeNull();
  });
});

describe("reconnect banner", () => {
  const acme = makeAccount({
    id: 1,
    name: "@acme",
    status: "needs_reconnect",
    reconnect_reason: "the token expired; sign in again",
  });

  it("is absent while every real account can publish", () => {
    expect(reconnectBanner([])).toBeNull();
    expect(reconnectBanner([makeAccount(), makeAccount({ id: 2, status: "disconnected" })])).toBeNull();
  });

  it("ignores sandbox accounts", () => {
    const sandbox = makeAccount({ id: 3, simulated: true, status: "needs_reconnect", reconnect_reason: "simulated" });
    expect(reconnectBanner([sandbox])).toBeNull();
    expect(accountsNeedingReconnect([sandbox, acme]).map((a) => a.id)).toEqual([1]);
  });

  it("names one account, its reason and what happens to its posts", () => {
    const banner = reconnectBanner([makeAccount({ id: 2, platform: "facebook", name: "Acme" }), acme])!;
    expect(banner.text).toBe(
      "Instagram @acme needs reconnecting: The token expired; sign in again. Its scheduled posts wait until you reconnect.",
    );
    expect(banner.items).toEqual([]);
    expect(banner.accounts).toEqual([
      { id: 1, platform: "instagram", label: "Instagram @acme", reason: "The token expired; sign in again." },
    ]);
  });

  it("does without a reason when the core gave none", () => {
    expect(reconnectBanner([{ ...acme, reconnect_reason: null }])!.text).toBe(
      "Instagram @acme needs reconnecting. Its scheduled posts wait until you reconnect.",
    );
    expect(reconnectBanner([{ ...acme, reconnect_reason: "  " }])!.accounts[0].reason).toBeNull();
  });

  it("lists several accounts compactly", () => {
    const page = makeAccount({ id: 4, platform: "facebook", name: "Acme", status: "needs_reconnect", reconnect_reason: "Facebook logged you out." });
    const banner = reconnectBanner([acme, page])!;
    expect(banner.text).toBe("2 accounts need reconnecting. Their scheduled posts wait until you reconnect.");
    expect(banner.items.map((i) => [i.id, i.label, i.reason])).toEqual([
      [1, "Instagram @acme", "The token expired; sign in again."],
      [4, "Facebook Acme", "Facebook logged you out."],
    ]);
  });
});
