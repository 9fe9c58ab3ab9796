// Shared by the redirect pages: reads the provider from <html data-provider>, hands the
// sign-in result to Herald through its herald:// link and offers the link for copying.
// The link (which carries the one-time code) is never shown as text.

import { heraldLink } from "./link.js";

const provider = document.documentElement.dataset.provider ?? "";
const result = heraldLink(provider, location.search);

// Keep the code out of the address bar and the browser history (Meta's codes are single-use
// anyway; the link stays available through the button and "Open Herald").
try {
  history.replaceState(null, "", location.pathname);
} catch {
  // Not fatal: the page still works.
}

const byId = (id) => document.getElementById(id);
byId("waiting").hidden = true;

if (result.ok) {
  const url = result.url;
  const open = byId("open");
  open.href = url;
  byId("ok").hidden = false;

  const status = byId("copy-status");
  byId("copy").addEventListener("click", async () => {
    const copied = await copyText(url);
    status.textContent = copied
      ? "Link copied. Paste it into Herald if it asks for the link."
      : "The link could not be copied here. Use Open Herald instead.";
  });

  location.href = url;
} else {
  document.title = "Herald sign-in not returned";
  byId("heading").textContent = "This sign-in can’t be returned to Herald";
  byId("reason").textContent = result.reason;
  byId("failed").hidden = false;
}

async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall back below.
  }
  // Older browsers: copy through an off-screen field that is removed right away.
  const field = document.createElement("textarea");
  field.value = text;
  field.setAttribute("readonly", "");
  field.setAttribute("aria-hidden", "true");
  field.style.position = "fixed";
  field.style.left = "-10000px";
  field.style.opacity = "0";
  document.body.append(field);
  try {
    field.select();
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    field.remove();
  }
}
