import { describe, expect, it } from "vitest";
import { firstDayOfWeek, uiLocale } from "./locale";

describe("uiLocale", () => {
  it("keeps valid tags, canonicalised", () => {
    expect(uiLocale("de-DE")).toBe("de-DE");
    expect(uiLocale("en-gb")).toBe("en-GB");
  });

  it("replaces the POSIX locale and garbage with en-US", () => {
    expect(uiLocale("C")).toBe("en-US");
    expect(uiLocale("")).toBe("en-US");
    expect(uiLocale("not a locale!")).toBe("en-US");
  });
});

describe("firstDayOfWeek", () => {
  it("follows the locale's region", () => {
    expect(firstDayOfWeek("en-US")).toBe(0);
    expect(firstDayOfWeek("en-GB")).toBe(1);
    expect(firstDayOfWeek("de-DE")).toBe(1);
    expect(firstDayOfWeek("pt-BR")).toBe(0);
    expect(firstDayOfWeek("ar-EG")).toBe(6);
  });
});
