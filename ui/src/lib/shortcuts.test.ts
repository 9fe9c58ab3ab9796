import { describe, expect, it } from "vitest";
import { isTyping, SHORTCUT_HELP, shortcutFor } from "./shortcuts";

describe("shortcutFor", () => {
  it("maps the single keys", () => {
    const cases: Record<string, string> = {
      n: "new-post", t: "today", j: "next", ArrowRight: "next", k: "prev", ArrowLeft: "prev",
      m: "view-month", w: "view-week", d: "view-day", l: "view-list",
    };
    for (const [key, action] of Object.entries(cases)) expect(shortcutFor({ key, targetTag: "BODY" }), key).toBe(action);
  });

  it("accepts Caps Lock letters", () => {
    expect(shortcutFor({ key: "N" })).toBe("new-post");
  });

  it("shows help on ? (typed with Shift)", () => {
    expect(shortcutFor({ key: "?", shiftKey: true })).toBe("help");
    expect(shortcutFor({ key: "?" })).toBe("help");
  });

  it("undoes on Ctrl+Z and ⌘Z only", () => {
    expect(shortcutFor({ key: "z", ctrlKey: true })).toBe("undo");
    expect(shortcutFor({ key: "z", metaKey: true })).toBe("undo");
    expect(shortcutFor({ key: "Z", ctrlKey: true, shiftKey: true })).toBeNull();
    expect(shortcutFor({ key: "z" })).toBeNull();
  });

  it("leaves modified keys to the browser", () => {
    expect(shortcutFor({ key: "n", ctrlKey: true })).toBeNull();
    expect(shortcutFor({ key: "t", metaKey: true })).toBeNull();
    expect(shortcutFor({ key: "j", altKey: true })).toBeNull();
    expect(shortcutFor({ key: "N", shiftKey: true })).toBeNull();
  });

  it("is ignored while typing", () => {
    for (const targetTag of ["INPUT", "TEXTAREA", "SELECT", "input"]) {
      expect(shortcutFor({ key: "n", targetTag }), targetTag).toBeNull();
    }
    expect(shortcutFor({ key: "j", targetTag: "DIV", targetEditable: true })).toBeNull();
    expect(shortcutFor({ key: "?", shiftKey: true, targetTag: "TEXTAREA" })).toBeNull();
  });

  it("is ignored while a dialog is open or the key was handled", () => {
    expect(shortcutFor({ key: "m", dialogOpen: true })).toBeNull();
    expect(shortcutFor({ key: "m", defaultPrevented: true })).toBeNull();
  });

  it("ignores auto-repeat except for paging", () => {
    expect(shortcutFor({ key: "n", repeat: true })).toBeNull();
    expect(shortcutFor({ key: "j", repeat: true })).toBe("next");
  });

  it("ignores other keys", () => {
    for (const key of ["x", "Enter", " ", "Escape", "ArrowUp", "Tab"]) expect(shortcutFor({ key }), key).toBeNull();
  });
});

describe("isTyping", () => {
  it("knows text fields", () => {
    expect(isTyping({ targetTag: "INPUT" })).toBe(true);
    expect(isTyping({ targetTag: "BUTTON" })).toBe(false);
    expect(isTyping({ targetEditable: true })).toBe(true);
    expect(isTyping({})).toBe(false);
  });
});

describe("SHORTCUT_HELP", () => {
  it("lists every plain shortcut key", () => {
    const listed = new Set(SHORTCUT_HELP.flatMap((s) => s.keys.map((k) => k.toLowerCase())));
    for (const key of ["n", "t", "j", "k", "m", "w", "d", "l", "?", "esc"]) expect(listed.has(key), key).toBe(true);
  });
});
