// Builders for test data.
import type { PostView, TargetStatus, TargetView } from "./backend/types";

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
