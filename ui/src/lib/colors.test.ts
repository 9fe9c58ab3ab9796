import { describe, expect, it } from "vitest";
import { ACCOUNT_PALETTE, accountColor, initials, NO_ACCOUNT_COLOR } from "./colors";

describe("accountColor", () => {
  it("is stable per account id", () => {
    expect(accountColor(7)).toBe(accountColor(7));
    expect(accountColor(1)).toBe(ACCOUNT_PALETTE[0]);
    expect(accountColor(2)).toBe(ACCOUNT_PALETTE[1]);
  });

  it("gives the first accounts distinct colours and wraps around the palette", () => {
    const first = Array.from({ length: ACCOUNT_PALETTE.length }, (_, i) => accountColor(i + 1));
    expect(new Set(first).size).toBe(ACCOUNT_PALETTE.length);
    expect(accountColor(ACCOUNT_PALETTE.length + 1)).toBe(accountColor(1));
  });

  it("handles odd ids and no account", () => {
    expect(ACCOUNT_PALETTE).toContain(accountColor(0));
    expect(ACCOUNT_PALETTE).toContain(accountColor(-3));
    expect(accountColor(null)).toBe(NO_ACCOUNT_COLOR);
    expect(accountColor(undefined)).toBe(NO_ACCOUNT_COLOR);
    expect(accountColor(Number.NaN)).toBe(NO_ACCOUNT_COLOR);
  });
});

describe("initials", () => {
  it("takes the first letters of two words", () => {
    expect(initials("Linden Bakery")).toBe("LB");
    expect(initials("linden.bakery")).toBe("LB");
    expect(initials("the_linden_bakery")).toBe("TL");
  });

  it("takes two letters of a single handle", () => {
    expect(initials("@lindenbakery")).toBe("LI");
    expect(initials("x")).toBe("X");
  });

  it("ignores parenthesised notes and punctuation", () => {
    expect(initials("Sandbox Bakery (sandbox)")).toBe("SB");
    expect(initials("  @ ana's café ")).toBe("AC");
  });

  it("handles non-Latin names and empty ones", () => {
    expect(initials("Ümit Çelik")).toBe("ÜÇ");
    expect(initials("東京 ベーカリー")).toBe("東ベ");
    expect(initials("")).toBe("?");
    expect(initials("@@ ")).toBe("?");
  });
});
