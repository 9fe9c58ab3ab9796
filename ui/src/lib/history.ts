// The post detail's history of publishing attempts: one line per attempt, newest first, in words.
import type { AttemptView } from "./backend/types";
import { PLATFORM_LABELS } from "./posts";

export interface HistoryLine {
  key: string;
  /** "Sandbox Bakery · Facebook" */
  who: string;
  /** When it started, in the given zone. */
  when: string;
  /** What happened: "Published", "Handed to Facebook for its time", "Failed — …". */
  what: string;
  tone: "ok" | "warn" | "error" | "muted";
}

const OUTCOMES: Record<string, { label: string; tone: HistoryLine["tone"] }> = {
  published: { label: "Published", tone: "ok" },
  handed_off: { label: "Handed over to be published at its time", tone: "ok" },
  retry: { label: "Will be tried again", tone: "warn" },
  failed: { label: "Failed", tone: "error" },
  interrupted: { label: "Interrupted (Herald was stopped); picked up again", tone: "warn" },
};

/** The attempts as lines, newest first. */
export function historyLines(attempts: AttemptView[], zone: string, locale?: string): HistoryLine[] {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
  return attempts
    .map((a, i) => {
      const outcome = a.outcome ? OUTCOMES[a.outcome] : undefined;
      const label = outcome?.label ?? (a.finished_at ? "Ended" : "In progress");
      const message = a.message?.trim();
      return {
        key: `${a.started_at}-${a.account_id}-${i}`,
        who: `${a.account_name} · ${PLATFORM_LABELS[a.platform]}`,
        when: format.format(new Date(a.started_at)),
        what: message && a.outcome !== "published" ? `${label} — ${message}${a.code ? ` (code ${a.code})` : ""}` : label,
        tone: outcome?.tone ?? "muted",
      };
    })
    .reverse();
}
