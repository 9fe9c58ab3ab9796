// Builders for test data.
import type { AccountView, PostView, TargetStatus, TargetView } from "./backend/types";

export function makeAccount(extra: Partial<AccountView> = {}): AccountView {
  return {
    id: 1,
    platform: "instagram",
    name: "@acme",
    status: "connected",
    simulated: false,
    reconnect_reason: null,
    token_expires_at: null,
    ...extra,
  };
}

export function makeTarget(status: TargetStatus, extra: Partial<TargetView> = {}): TargetView {
  return { account_id: 1, account_name: "@acme", platform: "instagram", status, ...extra };
}

export function makePost(extra: Partial<PostView> = {}): PostView {
  return {
    id: 1,
    caption: "Hello",
    due_at: "2026-06-10T09:00:00Z",
    timezone: "UTC",
    kind: "post",
    draft: false,
    media: [],
    targets: [makeTarget("scheduled")],
    options: { instagram: {} },
    ...extra,
  };
}
