import { describe, expect, it } from "vitest";
import { wrapFocus } from "./focus";

describe("wrapFocus", () => {
  it("wraps Tab from the last item to the first and Shift+Tab from the first to the last", () => {
    expect(wrapFocus(2, 3, false)).toBe(0);
    expect(wrapFocus(0, 3, true)).toBe(2);
  });

  it("leaves moves inside the dialog to the browser", () => {
    expect(wrapFocus(0, 3, false)).toBeNull();
    expect(wrapFocus(2, 3, true)).toBeNull();
  });

  it("brings focus that is elsewhere back in, and does nothing without focusable items", () => {
    expect(wrapFocus(-1, 3, false)).toBe(0);
    expect(wrapFocus(-1, 3, true)).toBe(2);
    expect(wrapFocus(-1, 0, false)).toBeNull();
  });
});
