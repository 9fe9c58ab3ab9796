import { describe, expect, it } from "vitest";
import { hasErrors, relayForm, settingsErrors, toRelaySettings, validateRelayForm, type RelayForm } from "./relay";

const filled: RelayForm = {
  endpoint: "https://s3.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  bucket: "herald-relay",
  access_key_id: "AKIAEXAMPLE",
  secret: "s3cr3t",
};

describe("relay form", () => {
  it("prefills from the relay in effect but never the secret", () => {
    const { secret, ...settings } = filled;
    expect(relayForm(settings)).toEqual({ ...settings, secret: "" });
    expect(relayForm(null)).toEqual({ endpoint: "", region: "", bucket: "", access_key_id: "", secret: "" });
    expect(secret).toBe("s3cr3t");
  });

  it("accepts a complete form", () => {
    expect(validateRelayForm(filled)).toEqual({});
    expect(hasErrors(validateRelayForm(filled))).toBe(false);
  });

  it("names every empty field, the secret included", () => {
    const errors = validateRelayForm({ endpoint: " ", region: "", bucket: "", access_key_id: "", secret: "  " });
    expect(Object.keys(errors).sort()).toEqual(["access_key_id", "bucket", "endpoint", "region", "secret"]);
    expect(errors.region).toMatch(/region/);
    expect(errors.secret).toMatch(/keyring/);
    expect(hasErrors(errors)).toBe(true);
  });

  it("wants an http(s) endpoint", () => {
    expect(settingsErrors({ ...filled, endpoint: "s3.amazonaws.com" }).endpoint).toMatch(/https:\/\//);
    expect(settingsErrors({ ...filled, endpoint: "ftp://x" }).endpoint).toBeDefined();
    expect(settingsErrors({ ...filled, endpoint: "https://" }).endpoint).toBeDefined();
    expect(settingsErrors({ ...filled, endpoint: "http://127.0.0.1:9000" }).endpoint).toBeUndefined();
  });

  it("checks bucket names like S3 does", () => {
    for (const bad of ["My_Bucket", "ab", "-relay", "relay.", "a".repeat(64)]) {
      expect(settingsErrors({ ...filled, bucket: bad }).bucket, bad).toMatch(/3 to 63/);
    }
    expect(settingsErrors({ ...filled, bucket: "media.relay-01" }).bucket).toBeUndefined();
  });

  it("saves trimmed settings without the secret or a trailing slash", () => {
    const settings = toRelaySettings({ ...filled, endpoint: " http://127.0.0.1:9000/ ", bucket: " herald-relay " });
    expect(settings).toEqual({
      endpoint: "http://127.0.0.1:9000",
      region: "eu-west-1",
      bucket: "herald-relay",
      access_key_id: "AKIAEXAMPLE",
    });
  });
});
