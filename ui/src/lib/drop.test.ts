import { describe, expect, it } from "vitest";
import { LOCKED_DROP_MESSAGE, PAST_DROP_MESSAGE, planDrop } from "./drop";
import { makePost, makeTarget } from "./testing";

// Tests run with TZ=America/New_York (see vite.config.ts).
const now = new Date("2026-06-01T12:00:00Z");

describe("planDrop in week/day views", () => {
  const post = makePost({ due_at: "2026-06-10T13:00:00Z" });

  it("reschedules to the exact drop instant", () => {
    const plan = planDrop({
      post, viewType: "timeGridWeek", now,
      oldStart: new Date("2026-06-10T13:00:00Z"),
      newStart: new Date("2026-06-11T15:30:00Z"),
    });
    expect(plan).toEqual({ kind: "reschedule", at: "2026-06-11T15:30:00.000Z" });
  });

  it("refuses a drop into the past", () => {
    const plan = planDrop({
      post, viewType: "timeGridDay", now,
      oldStart: new Date("2026-06-10T13:00:00Z"),
      newStart: new Date("2026-06-01T11:00:00Z"),
    });
    expect(plan).toEqual({ kind: "refuse", message: PAST_DROP_MESSAGE });
  });
});

describe("planDrop in month/list views", () => {
  it("moves to the day the post was dropped on, keeping its time", () => {
    const post = makePost({ due_at: "2026-06-10T13:00:00Z", timezone: "America/New_York" });
    const plan = planDrop({
      post, viewType: "dayGridMonth", now,
      oldStart: new Date("2026-06-10T13:00:00Z"),
      newStart: new Date("2026-06-12T13:00:00Z"),
    });
    expect(plan).toEqual({ kind: "moveToDay", date: "2026-06-12", at: "2026-06-12T13:00:00Z" });
  });

  it("shifts the post's own-zone date when it differs from the local one", () => {
    // 01:00 on 11 June in Berlin is 19:00 on 10 June in New York (the local cell).
    const post = makePost({ due_at: "2026-06-10T23:00:00Z", timezone: "Europe/Berlin" });
    const plan = planDrop({
      post, viewType: "dayGridMonth", now,
      oldStart: new Date(2026, 5, 10, 19, 0),
      newStart: new Date(2026, 5, 12, 19, 0), // dropped two local days later
    });
    expect(plan).toEqual({ kind: "moveToDay", date: "2026-06-13", at: "2026-06-12T23:00:00Z" });
  });

  it("refuses a day whose resulting time has already passed", () => {
    // Same day as `now` but at 07:00 New York = 11:00Z, before 12:00Z.
    const post = makePost({ due_at: "2026-06-10T11:00:00Z", timezone: "America/New_York" });
    const plan = planDrop({
      post, viewType: "listMonth", now,
      oldStart: new Date("2026-06-10T11:00:00Z"),
      newStart: new Date("2026-06-01T11:00:00Z"),
    });
    expect(plan).toEqual({ kind: "refuse", message: PAST_DROP_MESSAGE });
  });
});

describe("planDrop of published posts", () => {
  it("refuses whatever the view", () => {
    const post = makePost({ targets: [makeTarget("published")] });
    for (const viewType of ["dayGridMonth", "timeGridWeek"]) {
      const plan = planDrop({
        post, viewType, now,
        oldStart: new Date("2026-06-10T09:00:00Z"),
        newStart: new Date("2026-06-11T09:00:00Z"),
      });
      expect(plan).toEqual({ kind: "refuse", message: LOCKED_DROP_MESSAGE });
    }
  });
});
