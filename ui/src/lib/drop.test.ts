import { describe, expect, it } from "vitest";
import { instantAt, LOCKED_DROP_MESSAGE, planCopy, newPostAt, PAST_DAY_MESSAGE, PAST_DROP_MESSAGE, planDraftDrop, planDrop } from "./drop";
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

describe("planDraftDrop", () => {
  // 08:00 in New York on 1 June.
  const now = new Date("2026-06-01T12:00:00Z");

  it("schedules on a later day at the default time (month view)", () => {
    const plan = planDraftDrop({ timeZone: "America/New_York", viewType: "dayGridMonth", date: new Date(2026, 5, 4), allDay: true, now });
    expect(plan).toEqual({ kind: "day", date: "2026-06-04", at: "2026-06-04T13:00:00Z" });
  });

  it("takes the day as the draft's own-zone date", () => {
    const plan = planDraftDrop({ timeZone: "Europe/Berlin", viewType: "dayGridMonth", date: new Date(2026, 5, 4), allDay: true, now });
    expect(plan).toEqual({ kind: "day", date: "2026-06-04", at: "2026-06-04T07:00:00Z" });
  });

  it("accepts today while the default time is ahead", () => {
    const plan = planDraftDrop({ timeZone: "America/New_York", viewType: "dayGridMonth", date: new Date(2026, 5, 1), allDay: true, now });
    expect(plan).toEqual({ kind: "day", date: "2026-06-01", at: "2026-06-01T13:00:00Z" });
  });

  it("refuses past days, and today once the default time has passed", () => {
    expect(planDraftDrop({ timeZone: "America/New_York", viewType: "dayGridMonth", date: new Date(2026, 4, 31), allDay: true, now }))
      .toEqual({ kind: "refuse", message: PAST_DAY_MESSAGE });
    const late = new Date("2026-06-01T15:00:00Z"); // 11:00 in New York
    const plan = planDraftDrop({ timeZone: "America/New_York", viewType: "listMonth", date: new Date(2026, 5, 1), allDay: true, now: late });
    expect(plan.kind).toBe("refuse");
  });

  it("keeps the exact slot in week/day views", () => {
    const slot = new Date("2026-06-03T18:30:00Z");
    expect(planDraftDrop({ timeZone: "America/New_York", viewType: "timeGridWeek", date: slot, allDay: false, now }))
      .toEqual({ kind: "exact", date: "2026-06-03", at: "2026-06-03T18:30:00.000Z" });
  });

  it("schedules via tomorrow when today's default time has passed but the slot is ahead", () => {
    const late = new Date("2026-06-01T15:00:00Z"); // 11:00 in New York
    const slot = new Date("2026-06-01T20:00:00Z"); // 16:00 in New York
    expect(planDraftDrop({ timeZone: "America/New_York", viewType: "timeGridDay", date: slot, allDay: false, now: late }))
      .toEqual({ kind: "exact", date: "2026-06-02", at: "2026-06-01T20:00:00.000Z" });
  });

  it("refuses a past slot", () => {
    expect(planDraftDrop({ timeZone: "UTC", viewType: "timeGridWeek", date: new Date("2026-06-01T11:00:00Z"), allDay: false, now }))
      .toEqual({ kind: "refuse", message: PAST_DROP_MESSAGE });
  });
});

describe("instantAt", () => {
  it("moves a time in a DST gap forward", () => {
    // 02:30 does not exist in New York on 8 March 2026.
    expect(instantAt("2026-03-08", "02:30", "America/New_York")).toBe("2026-03-08T07:30:00Z");
  });
});

describe("newPostAt", () => {
  const now = new Date(2026, 5, 1, 8, 0); // local (New York) 08:00

  it("starts a day click at the default time", () => {
    expect(newPostAt({ viewType: "dayGridMonth", date: new Date(2026, 5, 3), allDay: true, now })).toBe("2026-06-03T09:00");
    expect(newPostAt({ viewType: "dayGridMonth", date: new Date(2026, 5, 1), allDay: true, now })).toBe("2026-06-01T09:00");
  });

  it("uses the next whole hour today once the default time has passed", () => {
    const later = new Date(2026, 5, 1, 13, 20);
    expect(newPostAt({ viewType: "dayGridMonth", date: new Date(2026, 5, 1), allDay: true, now: later })).toBe("2026-06-01T14:00");
    const lateEvening = new Date(2026, 5, 1, 23, 10);
    expect(newPostAt({ viewType: "dayGridMonth", date: new Date(2026, 5, 1), allDay: true, now: lateEvening })).toBeNull();
  });

  it("uses a slot's own time in week/day views", () => {
    expect(newPostAt({ viewType: "timeGridWeek", date: new Date(2026, 5, 2, 14, 30), allDay: false, now })).toBe("2026-06-02T14:30");
  });

  it("gives nothing for the past", () => {
    expect(newPostAt({ viewType: "dayGridMonth", date: new Date(2026, 4, 30), allDay: true, now })).toBeNull();
    expect(newPostAt({ viewType: "timeGridDay", date: new Date(2026, 5, 1, 7, 30), allDay: false, now })).toBeNull();
  });
});

describe("planCopy (published posts dragged elsewhere)", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const post = makePost({ due_at: "2026-05-20T13:00:00Z", timezone: "America/New_York", targets: [makeTarget("published")] });

  it("copies to the same time of day on the dropped day", () => {
    const plan = planCopy({ post, viewType: "dayGridMonth", now, oldStart: new Date("2026-05-20T13:00:00Z"), newStart: new Date("2026-06-05T13:00:00Z") });
    expect(plan).toEqual({ kind: "copy", at: "2026-06-05T13:00:00.000Z" });
  });

  it("copies to the exact slot in week/day views", () => {
    const plan = planCopy({ post, viewType: "timeGridWeek", now, oldStart: new Date("2026-05-20T13:00:00Z"), newStart: new Date("2026-06-03T15:15:00Z") });
    expect(plan).toEqual({ kind: "copy", at: "2026-06-03T15:15:00.000Z" });
  });

  it("does nothing when dropped where it is, and refuses the past", () => {
    expect(planCopy({ post, viewType: "dayGridMonth", now, oldStart: new Date("2026-05-20T13:00:00Z"), newStart: new Date("2026-05-20T17:00:00Z") }))
      .toEqual({ kind: "same" });
    expect(planCopy({ post, viewType: "dayGridMonth", now, oldStart: new Date("2026-05-20T13:00:00Z"), newStart: new Date("2026-05-25T13:00:00Z") }))
      .toEqual({ kind: "refuse", message: PAST_DROP_MESSAGE });
  });
});
