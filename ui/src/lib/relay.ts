// The media relay form (Settings → Media relay): what it holds, and what is wrong with it.
// The rules mirror the core's (`RelaySettings::validate`), so most mistakes show before saving.
import type { RelaySettings } from "./backend/types";

/** The form's fields: the settings plus the secret, which is never read back. */
export interface RelayForm extends RelaySettings {
  secret: string;
}

export type RelayField = keyof RelayForm;

/** One sentence per field that is wrong; an empty object when the form can be saved. */
export type RelayErrors = Partial<Record<RelayField, string>>;

/** The form prefilled from the relay in effect (the secret always starts empty). */
export function relayForm(settings: RelaySettings | null): RelayForm {
  return {
    endpoint: settings?.endpoint ?? "",
    region: settings?.region ?? "",
    bucket: settings?.bucket ?? "",
    access_key_id: settings?.access_key_id ?? "",
    secret: "",
  };
}

const BUCKET_RE = /^[a-z0-9.-]{3,63}$/;

/** What is wrong with the settings, field by field (the secret is not looked at). */
export function settingsErrors(settings: RelaySettings): RelayErrors {
  const errors: RelayErrors = {};
  const endpoint = settings.endpoint.trim();
  if (!endpoint) {
    errors.endpoint = "Enter the endpoint: the address of your S3-compatible service.";
  } else if (!/^https?:\/\/\S+$/.test(endpoint)) {
    errors.endpoint = "The endpoint must be a web address starting with https:// (or http:// for a local server).";
  }
  if (!settings.region.trim()) {
    errors.region = "Enter the region, for example us-east-1 (Cloudflare R2 uses auto).";
  }
  const bucket = settings.bucket.trim();
  if (!bucket) {
    errors.bucket = "Enter the name of the bucket.";
  } else if (!BUCKET_RE.test(bucket) || /^[.-]|[.-]$/.test(bucket)) {
    errors.bucket = "A bucket name is 3 to 63 lowercase letters, digits, dots or hyphens.";
  }
  if (!settings.access_key_id.trim()) {
    errors.access_key_id = "Enter the access key id.";
  }
  return errors;
}

/** What must be fixed before the form can be saved. */
export function validateRelayForm(form: RelayForm): RelayErrors {
  const errors = settingsErrors(form);
  if (!form.secret.trim()) {
    errors.secret = "Enter the secret access key; Herald keeps it in your OS keyring.";
  }
  return errors;
}

export function hasErrors(errors: RelayErrors): boolean {
  return Object.values(errors).some(Boolean);
}

/** The settings to save: trimmed, without a trailing slash on the endpoint. */
export function toRelaySettings(form: RelayForm): RelaySettings {
  return {
    endpoint: form.endpoint.trim().replace(/\/+$/, ""),
    region: form.region.trim(),
    bucket: form.bucket.trim(),
    access_key_id: form.access_key_id.trim(),
  };
}
