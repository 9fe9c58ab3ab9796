import { describe, expect, it } from "vitest";
import { heraldLink, PROVIDERS } from "../../../docs/oauth/link.js";

const STATE = "s7Hq_2-xYz0123456789AbCd";

function linkOf(provider: string, search: string): string {
  const result = heraldLink(provider, search);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.url;
}

function refusal(provider: string, search: string): string {
  const result = heraldLink(provider, search);
  if (result.ok) throw new Error(`accepted: ${result.url}`);
  return result.reason;
}

describe("heraldLink", () => {
  it("names the two providers", () => {
    expect(PROVIDERS).toEqual(["instagram", "facebook"]);
  });

  it("forwards the code and state", () => {
    expect(linkOf("instagram", `?code=AQBx-9_z.~&state=${STATE}`)).toBe(
      `herald://oauth/instagram?code=AQBx-9_z.~&state=${STATE}`,
    );
    expect(linkOf("facebook", `?code=AQD123&state=${STATE}`)).toBe(
      `herald://oauth/facebook?code=AQD123&state=${STATE}`,
    );
    // The leading "?" is optional.
    expect(linkOf("facebook", `code=AQD123&state=${STATE}`)).toBe(
      `herald://oauth/facebook?code=AQD123&state=${STATE}`,
    );
  });

  it("strips Meta's #_ from the code", () => {
    // Encoded into the value.
    expect(linkOf("instagram", `?state=${STATE}&code=AQBabc%23_`)).toBe(
      `herald://oauth/instagram?code=AQBabc&state=${STATE}`,
    );
    // Passed along as a fragment: everything from "#" on is ignored.
    expect(linkOf("instagram", `?state=${STATE}&code=AQBabc#_`)).toBe(
      `herald://oauth/instagram?code=AQBabc&state=${STATE}`,
    );
    expect(linkOf("instagram", `?code=AQBabc&state=${STATE}#_`)).toBe(
      `herald://oauth/instagram?code=AQBabc&state=${STATE}`,
    );
    // Only one trailing "#_" goes; a "#" elsewhere in the code is kept (and encoded).
    expect(linkOf("instagram", `?code=AQB%23_%23_&state=${STATE}`)).toBe(
      `herald://oauth/instagram?code=AQB%23_&state=${STATE}`,
    );
  });

  it("forwards an error (the user cancelled)", () => {
    const search =
      `?error=access_denied&error_reason=user_denied` +
      `&error_description=Permissions+error.&state=${STATE}`;
    expect(linkOf("facebook", search)).toBe(
      `herald://oauth/facebook?error=access_denied&error_reason=user_denied` +
        `&error_description=Permissions%20error.&state=${STATE}`,
    );
    // Only the error details that are present.
    expect(linkOf("instagram", `?error=access_denied&state=${STATE}#_`)).toBe(
      `herald://oauth/instagram?error=access_denied&state=${STATE}`,
    );
    expect(linkOf("instagram", `?error_description=The+user+denied%20your%20request.&error=access_denied&state=${STATE}`)).toBe(
      `herald://oauth/instagram?error=access_denied&error_description=The%20user%20denied%20your%20request.&state=${STATE}`,
    );
  });

  it("drops tokens and unknown parameters", () => {
    const url = linkOf(
      "facebook",
      `?access_token=EAAB123&code=AQD1&granted_scopes=pages_show_list&state=${STATE}&utm_source=x&token=y`,
    );
    expect(url).toBe(`herald://oauth/facebook?code=AQD1&state=${STATE}`);
    expect(url).not.toContain("EAAB123");
    expect(url).not.toContain("access_token");
  });

  it("puts the parameters in a fixed order", () => {
    expect(linkOf("instagram", `?state=${STATE}&code=AQB`)).toBe(`herald://oauth/instagram?code=AQB&state=${STATE}`);
    expect(
      linkOf("facebook", `?state=${STATE}&error_description=No&error_reason=user_denied&error=access_denied`),
    ).toBe(`herald://oauth/facebook?error=access_denied&error_reason=user_denied&error_description=No&state=${STATE}`);
  });

  it("percent-encodes values with encodeURIComponent", () => {
    // encodeURIComponent leaves * and ! (and - _ . ~) alone and encodes #.
    const url = linkOf("instagram", `?code=AQB*x!y%23z&state=${STATE}`);
    expect(url).toBe(`herald://oauth/instagram?code=AQB*x!y%23z&state=${STATE}`);
    expect(url).toBe(`herald://oauth/instagram?code=${encodeURIComponent("AQB*x!y#z")}&state=${STATE}`);
    // Encoded * and ! on the way in come out the same.
    expect(linkOf("instagram", `?code=AQB%2Ax%21y&state=${STATE}`)).toBe(
      `herald://oauth/instagram?code=AQB*x!y&state=${STATE}`,
    );
    // Text in the description is encoded, and decodes back to what Meta sent.
    const description = "Can't & won't: 100% \"denied\" (é)";
    const out = linkOf(
      "facebook",
      `?error=access_denied&error_description=${encodeURIComponent(description)}&state=${STATE}`,
    );
    const query = out.slice(out.indexOf("?") + 1);
    expect(query).toContain("error_description=Can't%20%26%20won't%3A%20100%25%20%22denied%22%20(%C3%A9)&");
    expect(new URL(out).searchParams.get("error_description")).toBe(description);
    expect(query.split("&").map((pair) => pair.split("=")[0])).toEqual(["error", "error_description", "state"]);
  });

  it("refuses a repeated parameter", () => {
    refusal("instagram", `?code=AQB&code=AQC&state=${STATE}`);
    refusal("instagram", `?code=AQB&state=${STATE}&state=${STATE}`);
    refusal("facebook", `?error=access_denied&error=x&state=${STATE}`);
    refusal("facebook", `?code=AQB&state=${STATE}&access_token=a&access_token=b`);
    // Also when the repeat is spelled differently.
    refusal("facebook", `?code=AQB&%63ode=AQC&state=${STATE}`);
  });

  it("refuses a missing or malformed state", () => {
    refusal("instagram", "?code=AQB");
    refusal("instagram", "?code=AQB&state=");
    refusal("instagram", "?code=AQB&state=short");
    refusal("instagram", `?code=AQB&state=${"a".repeat(15)}`);
    refusal("instagram", `?code=AQB&state=${"a".repeat(129)}`);
    refusal("instagram", `?code=AQB&state=${STATE}.`);
    refusal("instagram", `?code=AQB&state=${STATE}%20`);
    expect(linkOf("instagram", `?code=AQB&state=${"a".repeat(16)}`)).toContain("state=aaaa");
    expect(linkOf("instagram", `?code=AQB&state=${"a".repeat(128)}`)).toContain("state=aaaa");
  });

  it("refuses a code that is empty, too long or oddly formed", () => {
    refusal("instagram", `?code=&state=${STATE}`);
    refusal("instagram", `?code=%23_&state=${STATE}`);
    refusal("instagram", `?code=${"A".repeat(2049)}&state=${STATE}`);
    refusal("instagram", `?code=AQB%20x&state=${STATE}`);
    refusal("instagram", `?code=AQB%2Fx&state=${STATE}`);
    refusal("instagram", `?code=AQB%0Ax&state=${STATE}`);
    expect(linkOf("instagram", `?code=${"A".repeat(2048)}&state=${STATE}`)).toContain("A".repeat(2048));
  });

  it("refuses a malformed error", () => {
    refusal("facebook", `?error=&state=${STATE}`);
    refusal("facebook", `?error=${"a".repeat(65)}&state=${STATE}`);
    refusal("facebook", `?error=access%20denied&state=${STATE}`);
    refusal("facebook", `?error=access_denied&error_reason=user%2Fdenied&state=${STATE}`);
    refusal("facebook", `?error=access_denied&error_description=${"x".repeat(301)}&state=${STATE}`);
    refusal("facebook", `?error=access_denied&error_description=line%0Abreak&state=${STATE}`);
    refusal("facebook", `?error=access_denied&error_description=%E2%80%AEspoof&state=${STATE}`);
    expect(linkOf("facebook", `?error=access_denied&error_description=${"x".repeat(300)}&state=${STATE}`)).toContain(
      "x".repeat(300),
    );
  });

  it("needs exactly one of a code or an error", () => {
    refusal("instagram", `?state=${STATE}`);
    refusal("instagram", `?code=AQB&error=access_denied&state=${STATE}`);
    refusal("instagram", `?code=AQB&error_reason=user_denied&state=${STATE}`);
    refusal("instagram", "");
    refusal("instagram", "?");
  });

  it("refuses malformed percent-encoding", () => {
    refusal("instagram", `?code=AQB%E0%A4&state=${STATE}`);
    refusal("instagram", `?code=AQB%&state=${STATE}`);
  });

  it("refuses an unknown provider", () => {
    const search = `?code=AQB&state=${STATE}`;
    for (const provider of ["tiktok", "Instagram", "", "instagram/", "../post", "constructor"]) {
      expect(refusal(provider, search)).toMatch(/Instagram or Facebook/);
    }
  });

  it("gives plain sentences that never repeat the input", () => {
    const reasons = [
      refusal("tiktok", `?code=AQBsecret&state=${STATE}`),
      refusal("instagram", `?code=AQBsecret&code=AQBsecret&state=${STATE}`),
      refusal("instagram", "?code=AQBsecret&state=bad"),
      refusal("instagram", `?code=AQBsecret&error=access_denied&state=${STATE}`),
    ];
    for (const reason of reasons) {
      expect(reason).toMatch(/^[A-Z].*\.$/);
      expect(reason).not.toContain("AQBsecret");
      expect(reason).not.toContain(STATE);
    }
  });
});
