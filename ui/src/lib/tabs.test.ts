import { describe, expect, it } from "vitest";
import { SETTINGS_TABS, tabAfterKey } from "./tabs";

describe("tab keys", () => {
  it("moves with the arrows, wrapping around", () => {
    expect(tabAfterKey(SETTINGS_TABS, "accounts", "ArrowRight")).toBe("platforms");
    expect(tabAfterKey(SETTINGS_TABS, "relay", "ArrowRight")).toBe("accounts");
    expect(tabAfterKey(SETTINGS_TABS, "accounts", "ArrowLeft")).toBe("relay");
    expect(tabAfterKey(SETTINGS_TABS, "platforms", "ArrowLeft")).toBe("accounts");
  });

  it("jumps with Home and End, ignores other keys", () => {
    expect(tabAfterKey(SETTINGS_TABS, "platforms", "Home")).toBe("accounts");
    expect(tabAfterKey(SETTINGS_TABS, "accounts", "End")).toBe("relay");
    expect(tabAfterKey(SETTINGS_TABS, "accounts", "Enter")).toBeNull();
    expect(tabAfterKey(SETTINGS_TABS, "accounts", "ArrowDown")).toBeNull();
    expect(tabAfterKey([], "x", "ArrowRight")).toBeNull();
  });
});
