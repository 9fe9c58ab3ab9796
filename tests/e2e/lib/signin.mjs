// Sign-in helpers for the E2E suite: the platforms' sandbox as its own process, a "browser" that
// records the pages Herald opens, following a platform's redirect, and the herald:// handler the
// desktop registered (its .desktop entry), run the way the OS runs it.

import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The HERALD_* variables pointing Herald at a sandbox on `base` (as `herald-sandbox` prints). */
export function sandboxEnv(base) {
  const prefixes = {
    HERALD_FACEBOOK_GRAPH_URL: "facebook",
    HERALD_FACEBOOK_VIDEO_URL: "facebook-video",
    HERALD_RUPLOAD_URL: "rupload",
    HERALD_INSTAGRAM_GRAPH_URL: "instagram-graph",
    HERALD_INSTAGRAM_API_URL: "instagram-api",
    HERALD_TIKTOK_API_URL: "tiktok",
    HERALD_INSTAGRAM_AUTHORIZE_URL: "instagram-www",
    HERALD_FACEBOOK_DIALOG_URL: "facebook-www",
    HERALD_TIKTOK_AUTHORIZE_URL: "tiktok-www",
  };
  return Object.fromEntries(Object.entries(prefixes).map(([k, p]) => [k, `${base}/${p}`]));
}

/** A stand-in browser: a script that appends each URL it is asked to open to `log`. */
export function recordingBrowser(dir) {
  const script = join(dir, "browser.sh");
  const log = join(dir, "browser-urls.txt");
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
  chmodSync(script, 0o755);
  return {
    script,
    /** The URLs opened so far. */
    opened: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []),
  };
}

/** The user at the platform's sign-in page: returns where the platform sends the browser back. */
export async function followSignIn(url, choice = "") {
  const res = await fetch(url + choice, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`the sign-in page answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return location;
}

/** What the hosted redirect page (docs/oauth) turns the platform's redirect into. */
export async function redirectPageLink(repo, provider, location) {
  const { heraldLink } = await import(pathToFileURL(join(repo, "docs/oauth/link.js")).href);
  const result = heraldLink(provider, new URL(location).search);
  if (!result.ok) throw new Error(`the redirect page refused ${provider}'s redirect: ${result.reason}`);
  return result.url;
}

/** The desktop entry registered for herald:// links under `dataHome`: its Exec and MimeType. */
export function registeredHandler(dataHome) {
  const file = join(dataHome, "applications", "herald-desktop-handler.desktop");
  if (!existsSync(file)) throw new Error(`no desktop entry for herald:// links at ${file}`);
  const text = readFileSync(file, "utf8");
  const field = (name) => (text.match(new RegExp(`^${name}=(.*)$`, "m")) || [])[1];
  return { file, exec: field("Exec"), mime: field("MimeType") || "" };
}

/** Runs a desktop entry's Exec line for `url` as the OS does: `%u` becomes the URL. */
export function launchHandler(exec, url, options) {
  const argv = [];
  for (const m of exec.matchAll(/"([^"]*)"|(\S+)/g)) argv.push(m[1] ?? m[2]);
  const args = argv.slice(1).map((a) => (a === "%u" || a === "%U" ? url : a));
  if (!args.includes(url)) throw new Error(`the Exec line does not pass the URL through: ${exec}`);
  return spawn(argv[0], args, options);
}

/** Exit code of `child` within `ms` (null when it still runs). */
export function exitWithin(child, ms) {
  return new Promise((res) => {
    const timer = setTimeout(() => res(null), ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      res(code);
    });
  });
}
