// Which actions a post's detail offers, from the state of its targets.
import type { PostView } from "./backend";

export type PostAction = "retry" | "publish-now" | "cancel";

export interface PostActionButton {
  id: PostAction;
  label: string;
  hint: string;
  primary: boolean;
}

/** Retry when something failed or was missed; publish now / cancel while something waits. */
export function postActions(post: PostView): PostActionButton[] {
  const statuses = post.targets.map((t) => t.status);
  const failed = statuses.some((s) => s === "failed" || s === "missed");
  const waiting = !post.draft && statuses.some((s) => s === "scheduled");
  const publishing = statuses.includes("publishing");
  const actions: PostActionButton[] = [];
  if (failed) {
    actions.push({ id: "retry", label: "Retry", hint: "Try the failed or missed accounts again now", primary: true });
  }
  if (waiting && !publishing) {
    actions.push({ id: "publish-now", label: "Publish now", hint: "Publish instead of waiting for the scheduled time", primary: !failed });
  }
  if ((waiting || failed) && !publishing) {
    actions.push({ id: "cancel", label: "Don't publish", hint: "Keep the post as a draft; nothing is published", primary: false });
  }
  return actions;
}
