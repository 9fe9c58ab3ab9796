import { describe, expect, it } from "vitest";
import { historyLines } from "./history";
import type { AttemptView } from "./backend/types";

const attempt = (over: Partial<AttemptView>): AttemptView => ({
  account_id: 1,
  account_name: "Studio",
  platform: "facebook",
  started_at: "2026-11-24T09:00:00Z",
  finished_at: "2026-11-24T09:00:02Z",
  outcome: "published",
  code: null,
  message: null,
  ...over,
});

describe("historyLines", () => {
  it("lists attempts newest first, with the reason and code of a failure", () => {
    const lines = historyLines(
      [
        attempt({ outcome: "failed", code: "190", message: "Facebook no longer accepts Herald's access." }),
        attempt({ started_at: "2026-11-24T10:00:00Z" }),
      ],
      "UTC",
      "en-GB",
    );
    expect(lines.map((l) => l.what)).toEqual([
      "Published",
      "Failed — Facebook no longer accepts Herald's access. (code 190)",
    ]);
    expect(lines[1].tone).toBe("error");
    expect(lines[0].who).toBe("Studio · Facebook");
    expect(lines[0].when).toContain("10:00");
  });

  it("says an attempt still running is in progress", () => {
    const [line] = historyLines([attempt({ finished_at: null, outcome: null })], "UTC");
    expect(line.what).toBe("In progress");
    expect(line.tone).toBe("muted");
  });
});
