// What the post detail shows beyond the post itself: per-account notes and the "Checks" section.
import type { AccountView, NetworkCheck, Platform, PostView, QuotaView, TargetView } from "./backend/types";
import { PLATFORM_LABELS } from "./posts";

/** Checks are worth running while the post can still change: drafts and posts waiting to go out. */
export function shouldCheck(post: PostView): boolean {
  if (post.targets.length === 0) return false;
  return post.draft || post.targets.some((t) => t.status === "scheduled" || t.status === "draft");
}

export type CheckKind = "violation" | "change" | "notice";

/** The tag in front of each item: violations block publishing, changes happen on the way. */
export const CHECK_LABELS: Record<CheckKind, string> = { violation: "Must fix", change: "Change", notice: "Note" };

export interface CheckItem {
  kind: CheckKind;
  text: string;
  /** The violation's machine name, e.g. `image_aspect`. */
  code?: string;
}

export interface CheckGroup {
  platform: Platform | null;
  label: string;
  /** Violations first (they block publishing), then changes, then notices. */
  items: CheckItem[];
}

export interface CheckSummary {
  /** Networks with something to say. */
  groups: CheckGroup[];
  /** Labels of networks with nothing to report. */
  clean: string[];
}

function networkLabel(platform: Platform | null): string {
  return platform ? PLATFORM_LABELS[platform] : "All networks";
}

export function summarizeChecks(checks: NetworkCheck[]): CheckSummary {
  const groups: CheckGroup[] = [];
  const clean: string[] = [];
  for (const check of checks) {
    const items: CheckItem[] = [
      ...check.violations.map((v) => ({ kind: "violation" as const, text: v.message, code: v.code })),
      ...check.changes.map((text) => ({ kind: "change" as const, text })),
      ...check.notices.map((text) => ({ kind: "notice" as const, text })),
    ];
    if (items.length > 0) groups.push({ platform: check.platform, label: networkLabel(check.platform), items });
    else clean.push(networkLabel(check.platform));
  }
  return { groups, clean };
}

/** "Nothing to fix for Facebook and TikTok." */
export function cleanLine(labels: string[]): string | null {
  if (labels.length === 0) return null;
  const names = labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
  return `Nothing to fix for ${names}.`;
}

export interface FirstCommentOutcome {
  ok: boolean;
  text: string;
}

/** How a published target's first comment went; null when there was none (or not yet). */
export function firstCommentOutcome(target: TargetView): FirstCommentOutcome | null {
  if (target.status !== "published" || !target.first_comment) return null;
  const { id, error } = target.first_comment;
  if (error) return { ok: false, text: error };
  if (id) return { ok: true, text: "First comment posted" };
  return null;
}

/** The publishing quota of an Instagram target's account, when it is known. */
export function targetQuota(target: TargetView, accounts: AccountView[]): QuotaView | null {
  if (target.platform !== "instagram") return null;
  return accounts.find((a) => a.id === target.account_id)?.quota ?? null;
}
