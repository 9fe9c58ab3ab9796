#!/usr/bin/env node
// Herald end-to-end tests: the real binaries under Xvfb, one D-Bus session bus, tauri-driver +
// WebKitWebDriver for the calendar window, and a StatusNotifierWatcher of our own to drive the tray
// the way a desktop shell does.
//
//   node tests/e2e/run.mjs [TARGET_DIR] [SCREENSHOTS_DIR]
//   env: HERALD_TARGET_DIR (default: <repo>/target/debug), HERALD_E2E_SCREENSHOTS
//        (default: <repo>/target/e2e-screenshots), HERALD_E2E_TZ (default Pacific/Auckland),
//        HERALD_E2E_ONLY=a,b (run some cases only).
//
// Run outside a display/bus, it re-runs itself through run.sh (xvfb-run + dbus-run-session).
// Prints each case's result, then alone on the last line "N passed, M failed"; exits 1 on failure.

import { spawn, execFile } from "node:child_process";
import { promisify } from "node:util";
import { connect, createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "../..");

// ---------------------------------------------------------------- outside the session: re-run
if (process.env.HERALD_E2E_IN_SESSION !== "1") {
  const child = spawn("bash", [join(HERE, "run.sh"), ...process.argv.slice(2)], { stdio: "inherit" });
  child.on("exit", (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
} else {
  await main();
}

async function main() {
  const { remote } = await import("webdriverio");
  const { waitTauriDriverReady } = (await import("@crabnebula/tauri-driver")).default;
  const { Watcher } = await import("./lib/sni.mjs");
  const { MARKER, ownedProcesses, isAlive, waitFor, killPids, sleep } = await import("./lib/procs.mjs");
  const { viewableWindows, screenshotRoot, windowContrast } = await import("./lib/x11.mjs");
  const { sandboxEnv, recordingBrowser, followSignIn, redirectPageLink, registeredHandler, launchHandler, exitWithin } = await import("./lib/signin.mjs");
  const execFileP = promisify(execFile);

  const T0 = Date.now();
  const secs = (t = T0) => ((Date.now() - t) / 1000).toFixed(1) + "s";
  const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const TARGET = resolve(positional[0] || process.env.HERALD_TARGET_DIR || join(REPO, "target/debug"));
  const SHOTS = resolve(positional[1] || process.env.HERALD_E2E_SCREENSHOTS || join(REPO, "target/e2e-screenshots"));
  const ONLY = (process.env.HERALD_E2E_ONLY || "").split(",").map((s) => s.trim()).filter(Boolean);
  const HERALD = join(TARGET, "herald");
  const DESKTOP = join(TARGET, "herald-desktop");

  mkdirSync(SHOTS, { recursive: true });
  for (const f of readdirSync(SHOTS)) if (/\.(png|log|txt|html)$/.test(f) || f === "logs") rmSync(join(SHOTS, f), { recursive: true, force: true });

  const RUN_ID = randomBytes(6).toString("hex");
  const TMP = mkdtempSync(join(tmpdir(), "herald-e2e-"));
  const DATA = join(TMP, "data");
  mkdirSync(DATA);
  // Every process started from here carries the marker (see lib/procs.mjs) and the private dirs.
  const ENV = {
    ...process.env,
    [MARKER]: RUN_ID,
    HERALD_DATA_DIR: DATA,
    XDG_DATA_HOME: join(TMP, "xdg-data"),
    XDG_CONFIG_HOME: join(TMP, "xdg-config"),
    XDG_CACHE_HOME: join(TMP, "xdg-cache"),
    HERALD_KEYRING_SERVICE: `herald-e2e-${RUN_ID}`,
    RUST_BACKTRACE: "1",
  };
  delete ENV.HERALD_E2E_IN_SESSION;

  const note = (s) => console.log(`  · ${s}`);
  console.log(`Herald E2E — binaries: ${TARGET}`);
  console.log(`screenshots and logs: ${SHOTS}`);
  console.log(`data dir: ${DATA}   TZ=${process.env.TZ || "(system)"}   DISPLAY=${process.env.DISPLAY}   run id: ${RUN_ID}`);

  // ------------------------------------------------------------------ helpers
  const pad = (n) => String(n).padStart(2, "0");
  const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const hm = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const rfc3339Local = (d) => {
    const off = -d.getTimezoneOffset();
    const sign = off >= 0 ? "+" : "-";
    const a = Math.abs(off);
    return `${ymd(d)}T${hm(d)}:${pad(d.getSeconds())}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  };
  const withTimeout = (p, ms, what) =>
    Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms).unref())]);

  async function cli(...args) {
    try {
      const { stdout } = await execFileP(HERALD, args, { env: ENV, timeout: 20000, maxBuffer: 8 << 20 });
      return stdout;
    } catch (e) {
      throw new Error(`herald ${args.join(" ")} failed (code ${e.code}): ${(e.stderr || e.message).toString().trim().slice(0, 600)}`);
    }
  }
  async function cliJson(...args) {
    const out = await cli(...args);
    try {
      return JSON.parse(out);
    } catch {
      throw new Error(`herald ${args.join(" ")} printed no JSON: ${out.slice(0, 300)}`);
    }
  }
  const owned = (kind) => ownedProcesses(RUN_ID).filter((p) => !kind || p.kind === kind);
  const shot = (name) => join(SHOTS, name);
  async function webShot(name) {
    // Let CSS transitions/animations finish (e.g. an empty-state overlay fading out) so the picture
    // shows what a person sees once the page is still.
    await waitFor(
      () => browser.execute(() => document.getAnimations().filter((a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity).length === 0),
      3000, "animations to finish", 100,
    ).catch((e) => note(e.message));
    const f = shot(name);
    writeFileSync(f, Buffer.from(await browser.takeScreenshot(), "base64"));
    note(`screenshot ${f}`);
  }
  async function screenShot(name) {
    const f = await screenshotRoot(shot(name));
    note(`screenshot ${f}`);
  }
  function logText() {
    const dir = join(DATA, "logs");
    if (!existsSync(dir)) return "";
    let s = "";
    const walk = (d) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else s += readFileSync(p, "utf8") + "\n";
      }
    };
    walk(dir);
    return s;
  }
  /** The last lines of each Herald log, for a failure's context. */
  function logTails(n) {
    const dir = join(DATA, "logs");
    if (!existsSync(dir)) return note(`no log folder ${dir}`);
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) continue;
      const lines = readFileSync(p, "utf8").split("\n").filter(Boolean).slice(-n);
      if (lines.length) note(`${f}:\n${lines.map((l) => `      ${l.slice(0, 240)}`).join("\n")}`);
    }
  }
  const count = (hay, needle) => hay.split(needle).length - 1;
  /** Whether something accepts connections on 127.0.0.1:`port`. */
  function listening(port) {
    return new Promise((res) => {
      const socket = connect(port, "127.0.0.1");
      socket.on("connect", () => (socket.destroy(), res(true)));
      socket.on("error", () => res(false));
    });
  }
  function freePort() {
    return new Promise((res, rej) => {
      const s = createServer();
      s.unref();
      s.on("error", rej);
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address();
        s.close(() => res(port));
      });
    });
  }
  /** Where the post's element(s) are drawn: the [data-date] it sits in (DOM ancestor, else by geometry). */
  async function locatePost(id) {
    return browser.execute((id) => {
      const vis = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
      };
      const cells = [...document.querySelectorAll("[data-date]")].filter(vis);
      return [...document.querySelectorAll(`.herald-post[data-post-id="${id}"]`)].filter(vis).map((el) => {
        const r = el.getBoundingClientRect();
        const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
        let best = null, bestArea = Infinity;
        for (const c of cells) {
          const q = c.getBoundingClientRect();
          if (cx >= q.left && cx <= q.right && cy >= q.top && cy <= q.bottom && q.width * q.height < bestArea) {
            best = c.getAttribute("data-date");
            bestArea = q.width * q.height;
          }
        }
        const anc = el.parentElement && el.parentElement.closest("[data-date]");
        return { ancestor: anc ? anc.getAttribute("data-date") : null, geometric: best, status: el.getAttribute("data-status"), text: el.textContent.trim().slice(0, 60) };
      });
    }, String(id));
  }
  const placedOn = (locs) => [...new Set(locs.map((l) => l.ancestor || l.geometric))];
  async function waitPostOn(id, date, timeoutMs, what) {
    let locs = [];
    const t = Date.now();
    await waitFor(async () => {
      locs = await locatePost(id);
      const on = placedOn(locs);
      return on.length === 1 && on[0] === date;
    }, timeoutMs, `${what} (post ${id} on ${date}; last seen on: ${JSON.stringify(placedOn(locs))})`, 200);
    return { locs, ms: Date.now() - t };
  }
  async function waitRendered(win, timeoutMs) {
    // No WebDriver on this window: wait until it is no longer a blank rectangle and two samples
    // 400 ms apart agree (the page has settled).
    let prev = -1;
    return waitFor(async () => {
      const c = await windowContrast(win.id);
      const settled = c > 0.02 && Math.abs(c - prev) < 0.002;
      prev = c;
      return settled;
    }, timeoutMs, `window ${win.id} to render`, 400).catch((e) => note(e.message));
  }

  // ------------------------------------------------------------------ state shared by the cases
  let driver = null;
  let browser = null;
  let watcher = null;
  const today = new Date();
  const TODAY = ymd(today);
  const due = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 2, 10, 0, 0);
  const moved = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 5, 10, 0, 0);
  let post = null; // the document `herald posts create` printed
  let DRIVER_PORT = null; // tauri-driver's WebDriver port
  let platforms = null; // the herald-sandbox process standing in for the real platforms
  let PLATFORMS = null;
  const BROWSER = recordingBrowser(TMP);
  /** `herald <args>` with `input` on standard input (secrets are piped, never arguments). */
  function cliInput(args, input) {
    return new Promise((res, rej) => {
      const p = spawn(HERALD, args, { env: ENV, stdio: ["pipe", "pipe", "pipe"] });
      let out = "", err = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (err += d));
      p.on("exit", (code) => (code === 0 ? res(out) : rej(new Error(`herald ${args.join(" ")} failed (${code}): ${err.trim().slice(0, 400)}`))));
      p.stdin.end(input);
    });
  }
  async function sandboxSeed() {
    const res = await fetch(`${PLATFORMS}/_sandbox/accounts`);
    return res.json();
  }

  // ------------------------------------------------------------------ setup
  async function setup() {
    for (const [what, p] of [["herald", HERALD], ["herald-desktop", DESKTOP]]) {
      if (!existsSync(p)) throw new Error(`${what} binary not found at ${p} (build it first: cargo build --workspace)`);
    }
    watcher = await new Watcher({ log: () => {} }).start();
    note(`StatusNotifierWatcher up on the session bus`);
    // The platforms' sandbox, where every real (non-sandbox) account's calls and sign-ins go,
    // and a browser that records the sign-in pages Herald opens.
    const platformsPort = await freePort();
    PLATFORMS = `http://127.0.0.1:${platformsPort}`;
    platforms = spawn(join(TARGET, "herald-sandbox"), ["--port", String(platformsPort)], { env: ENV, stdio: "ignore" });
    await waitFor(() => listening(platformsPort), 10000, "the platforms' sandbox to listen", 100);
    Object.assign(ENV, sandboxEnv(PLATFORMS), { HERALD_BROWSER: BROWSER.script });
    note(`platforms' sandbox on ${PLATFORMS}`);
    const port = await freePort();
    DRIVER_PORT = port;
    const nativePort = await freePort();
    const driverLog = openSync(shot("tauri-driver.log"), "w");
    driver = spawn(join(HERE, "node_modules/.bin/tauri-driver"), ["--port", String(port), "--native-port", String(nativePort)], {
      env: ENV,
      stdio: ["ignore", driverLog, driverLog],
    });
    driver.on("exit", (c, s) => note(`tauri-driver exited (${c ?? s})`));
    await withTimeout(waitTauriDriverReady("127.0.0.1", port, 100), 15000, "tauri-driver to listen");
    const t = Date.now();
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "silent",
      connectionRetryTimeout: 60000,
      connectionRetryCount: 0,
      capabilities: { "tauri:options": { application: DESKTOP }, "wdio:enforceWebDriverClassic": true },
    });
    note(`WebDriver session open in ${secs(t)}`);
  }

  async function ensureCalendar() {
    await waitFor(async () => (await browser.$(`[data-date="${TODAY}"]`)).isExisting(), 30000, `the month view (cell [data-date="${TODAY}"])`, 200);
  }

  // ------------------------------------------------------------------ the cases
  const cases = [];
  const test = (key, name, fn) => cases.push({ key, name, fn });

  test("s", "a newcomer tries Herald with sandbox accounts from the empty calendar, sees a post go out, and removes them in one click", async () => {
    if (!browser) throw new Error("no WebDriver session");
    await ensureCalendar();
    const tryButton = await browser.$("#try-sandbox");
    await tryButton.waitForDisplayed({ timeout: 10000, timeoutMsg: "no 'Try Herald with sandbox accounts' on the empty calendar" });
    await webShot("s-empty-calendar.png");
    await tryButton.click();
    await (await browser.$("#sandbox-mode")).waitForDisplayed({ timeout: 10000, timeoutMsg: "no sandbox banner after the click" });
    const accounts = await cliJson("accounts", "list", "--json");
    if (accounts.length !== 6 || !accounts.every((a) => a.simulated)) throw new Error(`accounts after the click: ${JSON.stringify(accounts)}`);
    note(`sandbox accounts: ${accounts.map((a) => a.name).join(", ")}`);
    const page = accounts.find((a) => a.platform === "facebook");
    const demo = await cliJson("posts", "create", "--account", String(page.id), "--at", new Date().toISOString(), "--caption", "Hello from the sandbox", "--json");
    await waitFor(
      async () => (await browser.$(`.herald-post[data-post-id="${demo.id}"][data-status="published"]`)).isExisting(),
      20000, "the sandbox post to show as published on the calendar", 250,
    );
    const shown = await cliJson("posts", "show", String(demo.id), "--json");
    note(`published by the background publisher: ${shown.targets[0].permalink}`);
    await webShot("s-sandbox-published.png");
    await (await browser.$("#sandbox-mode button")).click();
    await waitFor(async () => !(await (await browser.$("#sandbox-mode")).isExisting()), 10000, "the sandbox banner to go");
    const left = await cliJson("accounts", "list", "--json");
    const posts = await cliJson("posts", "list", "--json");
    if (left.length || posts.length) throw new Error(`after Remove: ${left.length} accounts, ${posts.length} posts`);
    await waitFor(async () => !(await (await browser.$(`.herald-post[data-post-id="${demo.id}"]`)).isExisting()), 5000, "the sandbox post to leave the calendar");
  });

  test("r", "the media relay is set in Settings, tested against a real S3 server, and kept with its secret in the keyring", async () => {
    if (!browser) throw new Error("no WebDriver session");
    await ensureCalendar();
    const s3Port = await freePort();
    const s3 = spawn(join(TARGET, "herald-sandbox"), ["--s3-port", String(s3Port)], { env: ENV, stdio: "ignore" });
    try {
      await waitFor(() => listening(s3Port), 10000, "the S3 server to listen", 100);
      await (await browser.$("#open-settings")).click();
      await (await browser.$("#settings")).waitForDisplayed({ timeout: 5000, timeoutMsg: "no settings dialog" });
      await (await browser.$("#tab-relay")).click();
      const values = {
        endpoint: `http://127.0.0.1:${s3Port}`,
        region: "us-east-1",
        bucket: "herald-relay",
        access_key_id: "herald-sandbox-key",
        secret: "herald-sandbox-secret",
      };
      for (const [field, value] of Object.entries(values)) {
        const input = await browser.$(`#relay-${field}`);
        await input.waitForEnabled({ timeout: 5000 });
        await input.setValue(value);
      }
      await (await browser.$("#relay-save")).click();
      await waitFor(async () => {
        const relay = JSON.parse(await cli("relay", "show", "--json"));
        return relay && relay.bucket === "herald-relay";
      }, 10000, "the relay to be saved", 250);
      await (await browser.$("#relay-test")).click();
      await waitFor(async () => (await browser.$('#relay-result[data-result="ok"]')).isExisting(), 15000, "the relay test to pass", 250);
      note(`relay test: ${await (await browser.$("#relay-result")).getText()}`);
      // WebKitGTK under Xvfb may hand back the last frame it painted; wait for two fresh frames.
      await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
      await browser.pause(1000);
      await webShot("r-relay-settings.png");
      // The secret went to the keyring, never to the database.
      const db = readFileSync(join(DATA, "herald.db"));
      if (db.includes(Buffer.from(values.secret))) throw new Error("the relay secret is in the database");
      await browser.keys("Escape");
      await cli("relay", "clear");
    } finally {
      s3.kill("SIGTERM");
    }
  });

  test("o", "connecting Instagram from Settings: Herald opens the browser, the sign-in comes back as a herald:// link the OS hands to a second instance, and the account appears", async () => {
    if (!browser) throw new Error("no WebDriver session");
    await ensureCalendar();
    const seed = await sandboxSeed();
    const IG_REDIRECT = "https://herald.example/oauth/instagram/";
    await cliInput(["apps", "set", "--platform", "instagram", "--client-id", seed.instagram_app_id, "--redirect-uri", IG_REDIRECT], seed.instagram_app_secret);
    await cliInput(["apps", "set", "--platform", "facebook", "--client-id", seed.facebook_app_id, "--redirect-uri", "https://herald.example/oauth/facebook/"], seed.facebook_app_secret);
    await (await browser.$("#open-settings")).click();
    await (await browser.$("#settings")).waitForDisplayed({ timeout: 5000, timeoutMsg: "no settings dialog" });
    await (await browser.$("#tab-platforms")).click();
    await (await browser.$("#platform-instagram")).waitForDisplayed({ timeout: 5000, timeoutMsg: "no Instagram section in Settings → Platforms" });
    await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
    await browser.pause(800);
    await webShot("o-platforms.png");
    await (await browser.$("#tab-accounts")).click();
    const openedBefore = BROWSER.opened().length;
    await (await browser.$("#connect-instagram")).click();
    const url = await waitFor(() => BROWSER.opened()[openedBefore], 10000, "Herald to open the browser at Instagram's sign-in page", 100);
    if (!url.startsWith(`${PLATFORMS}/instagram-www/oauth/authorize?`)) throw new Error(`opened ${url.slice(0, 120)}`);
    await (await browser.$("#sign-in-pending")).waitForDisplayed({ timeout: 5000, timeoutMsg: "no 'finish signing in' panel" });
    await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
    await browser.pause(800);
    await webShot("o-sign-in-pending.png");
    // The user approves at Instagram, which sends the browser to the redirect page; the page
    // turns it into a herald:// link.
    const location = await followSignIn(url);
    const link = await redirectPageLink(REPO, "instagram", location);
    const state = new URL(link).searchParams.get("state");
    const code = new URL(link).searchParams.get("code");
    // The OS opens herald:// links with the desktop entry Herald registered: it must pass the URL (%u).
    const handler = registeredHandler(ENV.XDG_DATA_HOME);
    if (!/\s%u$/.test(handler.exec)) throw new Error(`the desktop entry's Exec does not end in %u: ${handler.exec}`);
    if (!handler.mime.split(";").includes("x-scheme-handler/herald")) throw new Error(`MimeType is ${handler.mime}`);
    const { stdout: chosen } = await execFileP("xdg-mime", ["query", "default", "x-scheme-handler/herald"], { env: ENV });
    note(`herald:// handler: ${chosen.trim()} → Exec=${handler.exec}`);
    if (chosen.trim() !== "herald-desktop-handler.desktop") throw new Error(`xdg-mime chose ${chosen.trim()} for herald://`);
    const running = owned("herald-desktop").map((p) => p.pid);
    const launched = Date.now();
    const second = launchHandler(handler.exec, link, { env: ENV, stdio: "ignore" });
    const exit = await exitWithin(second, 5000);
    if (exit !== 0) throw new Error(`the second instance exited with ${exit} (expected 0: handed to the running window)`);
    let accounts = [];
    await waitFor(async () => {
      accounts = await cliJson("accounts", "list", "--json");
      return accounts.some((a) => a.platform === "instagram" && !a.simulated);
    }, 10000, "herald accounts list to show the Instagram account", 250);
    const account = accounts.find((a) => a.platform === "instagram" && !a.simulated);
    note(`connected ${account.name} (account ${account.id}) in the running window (pid ${running.join(", ")}) ${Date.now() - launched} ms after the OS launched the link`);
    await (await browser.$(`#accounts-panel [data-account-id="${account.id}"]`)).waitForDisplayed({ timeout: 10000, timeoutMsg: "the account is not listed in Settings → Accounts" });
    await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
    await browser.pause(800);
    await webShot("o-account-connected.png");
    // The same link again is refused (already used) and connects nothing more.
    const refusedBefore = count(logText(), "refused a sign-in callback");
    await exitWithin(launchHandler(handler.exec, link, { env: ENV, stdio: "ignore" }), 5000);
    await waitFor(() => count(logText(), "refused a sign-in callback") > refusedBefore, 5000, "the replayed link to be refused");
    if ((await cliJson("accounts", "list", "--json")).filter((a) => !a.simulated).length !== 1) throw new Error("a replayed link changed the accounts");
    const logs = logText();
    if (logs.includes(state) || logs.includes(code)) throw new Error("a sign-in's state or code reached the log");
    if (readFileSync(join(DATA, "herald.db")).includes(Buffer.from(code))) throw new Error("the code is in the database");
    await browser.keys("Escape");
  });

  test("a", "a post created with the CLI appears on the calendar, in its day cell, without a restart", async () => {
    if (!browser) throw new Error("no WebDriver session");
    await ensureCalendar();
    const title = await browser.getTitle();
    if (title !== "Herald") note(`window title is ${JSON.stringify(title)}, expected "Herald"`);
    const status = await browser.$("#publishing-status");
    if (await status.isExisting()) note(`#publishing-status data-state=${await status.getAttribute("data-state")}`);
    else note(`#publishing-status not found`);
    // Created only now, with the window open: the calendar must pick the change up by itself.
    const at = rfc3339Local(due);
    const t = Date.now();
    post = await cliJson("posts", "create", "--at", at, "--caption", "E2E: two days from now at 10:00", "--json");
    if (typeof post.id !== "number") throw new Error(`posts create --json gave no numeric id: ${JSON.stringify(post)}`);
    if (new Date(post.due_at).getTime() !== due.getTime()) throw new Error(`posts create --at ${at} stored due_at ${post.due_at}`);
    note(`created post ${post.id} due ${at} (due_at ${post.due_at}, timezone ${post.timezone}) in ${secs(t)}`);
    // The contract: the calendar refreshes by itself within ~2 s of a change by another process.
    const { locs, ms } = await waitPostOn(post.id, ymd(due), 6000, "the calendar to show the new post");
    note(`shown on ${ymd(due)} ${ms} ms after the CLI returned (cell found ${locs[0].ancestor ? "as a DOM ancestor" : "by position"}); data-status=${locs[0].status}; text ${JSON.stringify(locs[0].text)}`);
    await webShot("a-post-created.png");
  });

  test("b", "dragging the post three days later moves it (same time of day) — checked with herald posts show", async () => {
    if (!browser) throw new Error("no WebDriver session");
    if (!post) throw new Error("no post from case (a)");
    const from = ymd(due), to = ymd(moved);
    await waitPostOn(post.id, from, 5000, "the post before the drag");
    const tagged = await browser.execute((date) => {
      for (const e of document.querySelectorAll("[data-e2e-drop]")) e.removeAttribute("data-e2e-drop");
      let best = null, area = 0;
      for (const el of document.querySelectorAll(`[data-date="${date}"]`)) {
        const r = el.getBoundingClientRect();
        if (r.width * r.height > area) (best = el), (area = r.width * r.height);
      }
      if (best) best.setAttribute("data-e2e-drop", "1");
      return !!best;
    }, to);
    if (!tagged) throw new Error(`no day cell [data-date="${to}"] on screen`);
    const src = await browser.$(`.herald-post[data-post-id="${post.id}"]`);
    const dst = await browser.$('[data-e2e-drop="1"]');
    const t = Date.now();
    // The sequence that passed 10/10 in build-notes: press on the event, wiggle, glide to the cell, release.
    await browser
      .action("pointer", { parameters: { pointerType: "mouse" } })
      .move({ origin: src, x: 0, y: 0 })
      .down({ button: 0 })
      .move({ origin: "pointer", x: 3, y: 3, duration: 100 })
      .move({ origin: "pointer", x: 3, y: 3, duration: 100 })
      .move({ origin: "pointer", x: 3, y: 3, duration: 100 })
      .move({ origin: dst, x: 0, y: 0, duration: 300 })
      .up({ button: 0 })
      .perform();
    note(`drag ${from} → ${to} performed in ${secs(t)}`);
    let doc = null;
    await waitFor(async () => {
      doc = await cliJson("posts", "show", String(post.id), "--json");
      return new Date(doc.due_at).getTime() !== due.getTime();
    }, 10000, `posts show ${post.id} to report a due_at other than ${post.due_at}`, 300);
    const got = new Date(doc.due_at);
    note(`posts show: due_at ${post.due_at} → ${doc.due_at} (local ${ymd(got)} ${hm(got)}), ${secs(t)} after the drag began`);
    if (ymd(got) !== to || hm(got) !== hm(due)) throw new Error(`due_at is ${doc.due_at} = local ${ymd(got)} ${hm(got)}; expected ${to} ${hm(due)}`);
    await waitPostOn(post.id, to, 5000, "the calendar to show the post on its new day");
    await webShot("b-post-dragged.png");
  });

  test("c", "closing the window ends herald-desktop, the tray stays; the tray's Open Herald (over D-Bus) brings it back", async () => {
    if (!browser) throw new Error("no WebDriver session");
    const desktops = owned("herald-desktop");
    if (desktops.length !== 1) throw new Error(`expected one herald-desktop process, found ${desktops.length}`);
    const first = desktops[0].pid;
    const tray = (await waitFor(() => owned("herald tray")[0], 10000, "herald-desktop to start `herald tray`")).pid;
    note(`herald-desktop pid ${first}; herald tray pid ${tray}`);
    // Close the window as the user does: its close button makes the window manager send
    // WM_DELETE_WINDOW, which we send ourselves (there is no window manager under Xvfb). The WebDriver
    // session stays open meanwhile, so the exit is the app's own doing: WebDriver's Close Window
    // would end the session and WebKitWebDriver would then stop the app itself.
    const wins0 = await viewableWindows("Herald");
    if (wins0.length !== 1) throw new Error(`expected one viewable "Herald" window, found ${wins0.length}`);
    const t = Date.now();
    await execFileP("/usr/bin/python3", [join(HERE, "lib/wm-close.py"), wins0[0].id], { timeout: 10000 });
    let exited = true;
    await waitFor(() => !isAlive(first), 10000, "herald-desktop to exit").catch(() => (exited = false));
    const exitMs = Date.now() - t;
    const helpers = () => owned().filter((p) => /^(herald-desktop|WebKit(Web|Network)Process)$/.test(p.kind) && p.ppid !== tray);
    if (exited) await waitFor(() => helpers().length === 0, 5000, "WebKit helpers to exit").catch(() => {});
    const left = helpers().map((p) => `${p.kind} ${p.pid}`);
    try {
      await withTimeout(browser.deleteSession(), 10000, "deleteSession");
    } catch {}
    browser = null;
    if (!exited) throw new Error(`herald-desktop (pid ${first}) still runs 10 s after its window was asked to close (WM_DELETE_WINDOW)`);
    note(`herald-desktop exited ${exitMs} ms after the close request`);
    if (left.length) throw new Error(`the window's processes outlived it by 5 s: ${left.join(", ")}`);
    if (!isAlive(tray)) throw new Error(`herald tray (pid ${tray}) ended with the window`);
    if (owned("herald-desktop").length) throw new Error(`a herald-desktop process still runs: ${owned("herald-desktop").map((p) => p.pid)}`);

    // The desktop shell's part: the item registered with our watcher; read its menu and click it.
    const item = await watcher.waitForItem(10000);
    const { root } = await watcher.getMenu(item);
    const labels = Watcher.flatten(root).map((e) => e.label);
    note(`tray item ${item.busName}${item.path}; menu: ${labels.map((l) => JSON.stringify(l)).join(", ")}`);
    for (const want of ["Open Herald", "Quit Herald"]) if (!labels.includes(want)) note(`menu lacks ${JSON.stringify(want)}`);
    if (!labels.includes("Pause publishing") && !labels.includes("Resume publishing")) note(`menu lacks "Pause publishing"/"Resume publishing"`);
    const t2 = Date.now();
    await watcher.clickMenu(item, "Open Herald");
    const again = await waitFor(() => owned("herald-desktop").find((p) => p.pid !== first), 15000, "Open Herald to start herald-desktop");
    const wins = await waitFor(async () => {
      const w = await viewableWindows("Herald");
      return w.length ? w : null;
    }, 30000, `a viewable X window named "Herald"`, 250);
    note(`new herald-desktop pid ${again.pid} (parent ${again.ppid}${again.ppid === tray ? " = the tray" : ""}); window ${wins[0].id} ${wins[0].geometry} mapped ${secs(t2)} after the click`);
    await waitRendered(wins[0], 15000);
    await screenShot("c-reopened-from-tray.png");
    if (!isAlive(tray)) throw new Error(`herald tray (pid ${tray}) is gone`);
    await waitFor(() => owned("herald tray").length === 1, 5000, "exactly one herald tray process").catch(() => {
      throw new Error(`herald tray processes: ${owned("herald tray").map((p) => p.pid).join(", ")} (the lock should keep one)`);
    });
  });

  test("d", "a second herald-desktop exits at once (code 0); the first window stays the only one and logs `second instance`", async () => {
    let first = owned("herald-desktop");
    if (first.length === 0) {
      note("no window from case (c): starting herald-desktop");
      const out = openSync(shot("d-first-instance.log"), "w");
      const p = spawn(DESKTOP, [], { env: ENV, stdio: ["ignore", out, out] });
      p.unref();
      await waitFor(async () => (await viewableWindows("Herald")).length > 0, 30000, `the first window`, 250);
      first = owned("herald-desktop");
    }
    if (first.length !== 1) throw new Error(`expected one herald-desktop before the test, found ${first.map((p) => p.pid).join(", ")}`);
    const firstPid = first[0].pid;
    const win = (await viewableWindows("Herald"))[0];
    if (win) await waitRendered(win, 15000);
    const before = count(logText(), "second instance");
    const out = openSync(shot("d-second-instance.log"), "w");
    const t = Date.now();
    const second = spawn(DESKTOP, [], { env: ENV, stdio: ["ignore", out, out] });
    const result = await new Promise((res) => {
      const timer = setTimeout(() => res(null), 5000);
      second.on("exit", (code, signal) => {
        clearTimeout(timer);
        res({ code, signal, ms: Date.now() - t });
      });
    });
    if (!result) {
      await killPids([second.pid], 1000);
      throw new Error(`the second herald-desktop (pid ${second.pid}) still ran after 5 s`);
    }
    note(`second instance (pid ${second.pid}) exited in ${result.ms} ms with code ${result.code}${result.signal ? ` signal ${result.signal}` : ""}`);
    if (result.code !== 0) throw new Error(`second instance exit code ${result.code} (signal ${result.signal}); output in ${shot("d-second-instance.log")}`);
    if (!isAlive(firstPid)) throw new Error(`the first herald-desktop (pid ${firstPid}) ended`);
    const desktops = owned("herald-desktop").map((p) => p.pid);
    if (desktops.length !== 1) throw new Error(`herald-desktop processes now: ${desktops.join(", ")}`);
    const wins = await viewableWindows("Herald");
    if (wins.length !== 1) throw new Error(`${wins.length} viewable windows named "Herald": ${wins.map((w) => w.id).join(", ")}`);
    await waitFor(() => count(logText(), "second instance") > before, 5000, `a new "second instance" line in ${join(DATA, "logs")}`);
    const line = logText().split("\n").filter((l) => l.includes("second instance")).pop();
    note(`first logged: ${line.trim().slice(0, 160)}`);
    await screenShot("d-second-instance.png");
  });

  test("e", "a herald://post/<id> link (what a clicked notification sends) opens that post in the running window", async () => {
    if (!post) throw new Error("needs the post of case (a)");
    const first = owned("herald-desktop");
    if (first.length !== 1) throw new Error(`expected one herald-desktop, found ${first.length}`);
    const before = count(logText(), "opening a post from a link");
    const out = openSync(shot("e-link.log"), "w");
    const link = spawn(DESKTOP, [`herald://post/${post.id}`], { env: ENV, stdio: ["ignore", out, out] });
    const code = await new Promise((res) => {
      const timer = setTimeout(() => res(null), 5000);
      link.on("exit", (c) => {
        clearTimeout(timer);
        res(c);
      });
    });
    if (code !== 0) throw new Error(`the link's herald-desktop exited with ${code} (expected 0: handed to the first)`);
    await waitFor(() => count(logText(), "opening a post from a link") > before, 5000, "the first window to log the link");
    note(`the first window (pid ${first[0].pid}) opened post ${post.id} from the link`);
    // A forged link is refused with a logged reason and changes nothing.
    const refusedBefore = count(logText(), "refused a deep link");
    spawn(DESKTOP, ["herald://post/1?token=stolen"], { env: ENV, stdio: "ignore" });
    await waitFor(() => count(logText(), "refused a deep link") > refusedBefore, 5000, "the forged link to be refused");
    if (logText().includes("stolen")) throw new Error("a refused link's parameters reached the log");
    await sleep(500);
    await screenShot("e-post-opened-from-link.png");
  });

  test("f", "cold start: with no window open, a herald://oauth/facebook link starts the window, which finishes the sign-in begun by the command line", async () => {
    // Begin the sign-in from the command line (it prints the address and would wait for a paste).
    const begin = spawn(HERALD, ["accounts", "connect", "facebook", "--no-browser"], { env: ENV, stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    begin.stdout.on("data", (d) => (out += d));
    const url = await waitFor(() => out.split("\n").find((l) => l.startsWith("http")), 10000, "the CLI to print Facebook's sign-in address", 100);
    begin.kill("SIGTERM");
    const link = await redirectPageLink(REPO, "facebook", await followSignIn(url));
    // No window: close the one cases (c)–(e) left.
    await killPids(owned("herald-desktop").map((p) => p.pid), 5000);
    await waitFor(() => owned("herald-desktop").length === 0, 10000, "no herald-desktop running");
    const handler = registeredHandler(ENV.XDG_DATA_HOME);
    const log = openSync(shot("f-cold-start.log"), "w");
    const launched = Date.now();
    const cold = launchHandler(handler.exec, link, { env: ENV, stdio: ["ignore", log, log] });
    cold.unref();
    let pages = [];
    await waitFor(async () => {
      pages = (await cliJson("accounts", "list", "--json")).filter((a) => a.platform === "facebook" && !a.simulated);
      return pages.length >= 2;
    }, 20000, "the cold-started window to connect the Facebook Pages", 250);
    note(`cold start (pid ${cold.pid}) connected ${pages.map((p) => p.name).join(", ")} ${Date.now() - launched} ms after the OS launched the link`);
    if (!isAlive(cold.pid)) throw new Error("the cold-started window did not stay open");
    const wins = await waitFor(async () => {
      const w = await viewableWindows("Herald");
      return w.length ? w : null;
    }, 30000, `the cold-started window`, 250);
    await waitRendered(wins[0], 15000);
    await screenShot("f-cold-start.png");
  });

  test("n", "a token Facebook refuses: the Page needs reconnecting, its post waits instead of failing, and the window shows the reconnect banner", async () => {
    const pages = (await cliJson("accounts", "list", "--json")).filter((a) => a.platform === "facebook" && !a.simulated);
    if (!pages.length) throw new Error("needs the Pages of case (f)");
    const page = pages[0];
    const refused = { error: { message: "Error validating access token: The session has been invalidated because the user changed their password.", type: "OAuthException", code: 190, error_subcode: 460 } };
    const faults = await fetch(`${PLATFORMS}/_sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ host: "facebook", path_contains: "/feed", count: 5, action: { kind: "status", status: 400, body: refused } }),
    });
    if (!faults.ok) throw new Error(`cannot set the fault: ${await faults.text()}`);
    try {
      const waiting = await cliJson("posts", "create", "--account", String(page.id), "--at", new Date().toISOString(), "--caption", "Waits for its Page to be reconnected", "--json");
      let account = null;
      await waitFor(async () => {
        account = (await cliJson("accounts", "list", "--json")).find((a) => a.id === page.id);
        return account.status === "needs_reconnect";
      }, 20000, "the Page to need reconnecting", 250);
      note(`${account.name}: ${account.reconnect_reason}`);
      const shown = await cliJson("posts", "show", String(waiting.id), "--json");
      const target = shown.targets[0];
      if (target.status !== "scheduled") throw new Error(`the target is ${target.status}, expected scheduled (held for the reconnect)`);
      if (!/reconnect/i.test(target.warning || "")) throw new Error(`no reconnect warning on the target: ${JSON.stringify(target)}`);
      const wins = await waitFor(async () => {
        const w = await viewableWindows("Herald");
        return w.length ? w : null;
      }, 10000, "the window", 250);
      await sleep(1500);
      await waitRendered(wins[0], 10000);
      await screenShot("n-reconnect-banner.png");
    } finally {
      await fetch(`${PLATFORMS}/_sandbox/faults`, { method: "DELETE" });
    }
  });

  // ---------------------------------------------------------------- calendar and composer (issue 7)
  /** A second WebDriver session on a fresh window (cases c–f closed the first one). */
  async function ensureSession() {
    if (browser) return closeComposer();
    await killPids(owned("herald-desktop").map((p) => p.pid), 5000);
    await waitFor(() => owned("herald-desktop").length === 0, 10000, "no herald-desktop running");
    browser = await remote({
      hostname: "127.0.0.1",
      port: DRIVER_PORT,
      logLevel: "silent",
      connectionRetryTimeout: 60000,
      connectionRetryCount: 0,
      capabilities: { "tauri:options": { application: DESKTOP }, "wdio:enforceWebDriverClassic": true },
    });
    await ensureCalendar();
  }
  /** Files dropped from the desktop onto the window, as the core forwards them. */
  async function dropFiles(paths) {
    await browser.execute(async (paths) => {
      await window.__TAURI_INTERNALS__.invoke("plugin:event|emit", { event: "files-dropped", payload: { paths } });
    }, paths);
  }
  /** Sets a form field the way a person's typing ends up (native date/time inputs are locale-formatted when typed into). */
  async function setField(selector, value) {
    const ok = await browser.execute((selector, value) => {
      const el = document.querySelector(selector);
      if (!el) return false;
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    }, selector, value);
    if (!ok) throw new Error(`no field ${selector}`);
  }
  /** Closes the composer if a failed step left it open (discarding its changes). */
  async function closeComposer() {
    for (let i = 0; i < 3; i++) {
      if (!(await (await browser.$("#composer")).isDisplayed().catch(() => false))) return;
      const discard = await browser.$("#composer-discard");
      if (await discard.isDisplayed().catch(() => false)) await discard.click();
      else await browser.keys("Escape");
      await browser.pause(300);
    }
  }
  async function settle() {
    await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
    await browser.pause(600);
  }
  function image(name, size, colour) {
    const file = join(TMP, name);
    return execFileP("convert", ["-size", size, `xc:${colour}`, file]).then(() => file);
  }
  async function sandboxAccounts() {
    let accounts = (await cliJson("accounts", "list", "--json")).filter((a) => a.simulated);
    if (!accounts.length) {
      await cli("sandbox", "on");
      accounts = (await cliJson("accounts", "list", "--json")).filter((a) => a.simulated);
    }
    return accounts;
  }
  /** Drags the element `selector` (looked up just before: lists re-render on every change) onto the day cell of `date`. */
  async function dragTo(selector, date) {
    const tagged = await browser.execute((date) => {
      for (const e of document.querySelectorAll("[data-e2e-drop]")) e.removeAttribute("data-e2e-drop");
      let best = null, area = 0;
      for (const el of document.querySelectorAll(`[data-date="${date}"]`)) {
        const r = el.getBoundingClientRect();
        if (r.width * r.height > area) (best = el), (area = r.width * r.height);
      }
      if (best) best.setAttribute("data-e2e-drop", "1");
      return !!best;
    }, date);
    if (!tagged) throw new Error(`no day cell [data-date="${date}"] on screen`);
    const dst = await browser.$('[data-e2e-drop="1"]');
    const source = await browser.$(selector);
    await browser
      .action("pointer", { parameters: { pointerType: "mouse" } })
      .move({ origin: source, x: 0, y: 0 })
      .down({ button: 0 })
      .move({ origin: "pointer", x: 3, y: 3, duration: 100 })
      .move({ origin: "pointer", x: 3, y: 3, duration: 100 })
      .move({ origin: "pointer", x: 3, y: 3, duration: 100 })
      .move({ origin: dst, x: 0, y: 0, duration: 300 })
      .up({ button: 0 })
      .perform();
  }
  let composed = null; // the post composed in case (p)

  test("p", "composing a photo post for two sandbox Pages in the composer, scheduling it, seeing it on the calendar, dragging it: both targets move", async () => {
    await ensureSession();
    const pages = (await sandboxAccounts()).filter((a) => a.platform === "facebook").slice(0, 2);
    if (pages.length !== 2) throw new Error(`sandbox Pages: ${JSON.stringify(pages)}`);
    const photo = await image("composer-photo.jpg", "1080x1350", "#e07a5f");
    await (await browser.$("#new-post")).click();
    await (await browser.$("#composer")).waitForDisplayed({ timeout: 5000, timeoutMsg: "no composer" });
    for (const page of pages) await (await browser.$(`#composer-account-${page.id}`)).click();
    await dropFiles([photo]);
    await (await browser.$("#composer-caption")).setValue("E2E: composed in the window");
    const when = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 3, 11, 30, 0);
    await setField("#composer-date", ymd(when));
    await setField("#composer-time", hm(when));
    const schedule = await browser.$("#composer-schedule");
    await waitFor(async () => schedule.isEnabled(), 10000, "Schedule to be enabled", 200);
    await settle();
    await webShot("p-composer.png");
    await schedule.click();
    await waitFor(async () => !(await (await browser.$("#composer")).isDisplayed().catch(() => false)), 10000, "the composer to close");
    let posts = [];
    await waitFor(async () => {
      posts = await cliJson("posts", "list", "--json");
      return posts.some((p) => p.caption === "E2E: composed in the window");
    }, 10000, "the composed post in herald posts list", 250);
    composed = posts.find((p) => p.caption === "E2E: composed in the window");
    if (composed.targets.length !== 2 || composed.media.length !== 1) throw new Error(`composed: ${JSON.stringify(composed).slice(0, 400)}`);
    if (new Date(composed.due_at).getTime() !== when.getTime()) throw new Error(`due_at ${composed.due_at}, expected ${when.toISOString()}`);
    await waitPostOn(composed.id, ymd(when), 6000, "the calendar to show the composed post");
    await settle();
    await webShot("p-composed-on-calendar.png");
    const to = new Date(when.getFullYear(), when.getMonth(), when.getDate() + 2, 11, 30, 0);
    await settle();
    await dragTo(`.herald-post[data-post-id="${composed.id}"]`, ymd(to));
    let doc = null;
    await waitFor(async () => {
      doc = await cliJson("posts", "show", String(composed.id), "--json");
      return new Date(doc.due_at).getTime() === to.getTime();
    }, 10000, `posts show ${composed.id} to report ${to.toISOString()}`, 300);
    // Both targets move; Facebook holds them for that time (handed over again by the publisher).
    await waitFor(async () => {
      doc = await cliJson("posts", "show", String(composed.id), "--json");
      return doc.targets.length === 2 && doc.targets.every((t) => t.status === "scheduled");
    }, 15000, "both targets to be scheduled at the new time", 300).catch(() => {
      throw new Error(`targets after the move: ${JSON.stringify(doc.targets)}`);
    });
    note(`moved ${ymd(when)} → ${ymd(to)} ${hm(to)}; both targets scheduled (${doc.targets.map((t) => t.account_name).join(", ")})`);
  });

  test("q", "a draft dragged from the sidebar onto a day becomes scheduled at that day's default time", async () => {
    await ensureSession();
    const page = (await sandboxAccounts()).find((a) => a.platform === "facebook");
    const draft = await cliJson("posts", "create", "--account", String(page.id), "--draft", "--caption", "E2E: a draft for the sidebar", "--json");
    const item = `.herald-draft[data-draft-id="${draft.id}"]`;
    await (await browser.$(item)).waitForDisplayed({ timeout: 10000, timeoutMsg: "the draft is not in the sidebar" });
    await settle();
    const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 4, 9, 0, 0);
    await dragTo(item, ymd(day));
    let doc = null;
    await waitFor(async () => {
      doc = await cliJson("posts", "show", String(draft.id), "--json");
      return doc.due_at && !doc.draft;
    }, 10000, "the draft to be scheduled", 300);
    const got = new Date(doc.due_at);
    if (ymd(got) !== ymd(day) || hm(got) !== "09:00") throw new Error(`scheduled at local ${ymd(got)} ${hm(got)}; expected ${ymd(day)} 09:00`);
    note(`draft ${draft.id} scheduled at ${doc.due_at} (local ${ymd(got)} ${hm(got)})`);
    await waitPostOn(draft.id, ymd(day), 6000, "the calendar to show the scheduled draft");
    await settle();
    await webShot("q-draft-scheduled.png");
  });

  test("v", "an over-long caption and a 9:16 photo for Instagram show their messages in the composer, and Schedule stays disabled", async () => {
    await ensureSession();
    const ig = (await sandboxAccounts()).find((a) => a.platform === "instagram");
    const tall = await image("composer-tall.jpg", "1080x1920", "#3d5a80");
    await (await browser.$("#new-post")).click();
    await (await browser.$("#composer")).waitForDisplayed({ timeout: 5000, timeoutMsg: "no composer" });
    await (await browser.$(`#composer-account-${ig.id}`)).click();
    await dropFiles([tall]);
    await setField("#composer-caption", "x".repeat(2201));
    const when = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 3, 12, 0, 0);
    await setField("#composer-date", ymd(when));
    await setField("#composer-time", hm(when));
    let problems = [];
    await waitFor(async () => {
      problems = await browser.execute(() => [...document.querySelectorAll("#composer-checks [data-violation]")].map((e) => e.textContent.trim()));
      return problems.some((p) => /2,?200/.test(p)) && problems.some((p) => /4:5|1\.91|aspect|crop/i.test(p));
    }, 10000, "the caption and aspect violations", 300).catch(() => {
      throw new Error(`violations shown: ${JSON.stringify(problems)}`);
    });
    if (await (await browser.$("#composer-schedule")).isEnabled()) throw new Error("Schedule is enabled despite the violations");
    note(`violations: ${problems.map((p) => p.slice(0, 80)).join(" | ")}`);
    await settle();
    await webShot("v-composer-violations.png");
    await closeComposer();
  });

  test("x", "after the background publisher publishes the composed post, the calendar shows it published and the detail links to its permalink", async () => {
    await ensureSession();
    if (!composed) throw new Error("needs the post of case (p)");
    await cli("posts", "publish-now", String(composed.id));
    await cli("run", "--until-idle").catch((e) => note(`run --until-idle: ${e.message.slice(0, 120)}`));
    await waitFor(async () => (await browser.$(`.herald-post[data-post-id="${composed.id}"][data-status="published"]`)).isExisting(), 20000, "the calendar to show the post as published", 250);
    await (await browser.$(`.herald-post[data-post-id="${composed.id}"]`)).click();
    const link = await browser.$(`a[href^="https://www.facebook.com/"]`);
    await link.waitForDisplayed({ timeout: 5000, timeoutMsg: "no permalink in the post detail" });
    note(`permalink: ${await link.getAttribute("href")}`);
    await (await browser.$("#post-history summary")).click();
    const published = await browser.$('#post-history li[data-outcome-tone="ok"]');
    await published.waitForDisplayed({ timeout: 5000, timeoutMsg: "the history shows no successful attempt" });
    note(`history: ${(await browser.execute(() => [...document.querySelectorAll("#post-history li")].map((li) => li.textContent.replace(/\s+/g, " ").trim()))).join(" | ")}`);
    await settle();
    await webShot("x-published-detail.png");
    await browser.keys("Escape");
  });
  /** Screenshots of each view (month, week, day, list), named `<prefix>-<view>.png`. */
  async function viewShots(prefix) {
    for (const [key, view] of [["m", "month"], ["w", "week"], ["d", "day"], ["l", "list"]]) {
      await browser.execute(() => document.activeElement?.blur?.());
      await browser.keys(key);
      await settle();
      await webShot(`${prefix}-${view}.png`);
    }
    await browser.keys("m");
  }

  test("k", "each view in light; month and week views with 2,000 posts in range render in measured time", async () => {
    await ensureSession();
    await viewShots("k-light");
    // 2,000 dated drafts from Monday to Saturday of one week next month (inside that week whether
    // the locale starts weeks on Sunday or Monday), written straight into the database.
    const next = new Date(today.getFullYear(), today.getMonth() + 1, 1);
    const weekStart = new Date(next.getFullYear(), next.getMonth(), next.getDate() + ((8 - next.getDay()) % 7));
    const account = (await sandboxAccounts())[0];
    const base = Math.floor(weekStart.getTime() / 1000) + 8 * 3600;
    const now = Math.floor(Date.now() / 1000);
    const sql = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
      INSERT INTO posts (caption, kind, due_at, timezone, draft, created_at, updated_at)
        SELECT 'Load test ' || i, 'post', ${base} + (i % 6) * 86400 + (i % 12) * 3600, 'Pacific/Auckland', 1, ${now}, ${now} FROM n;
      INSERT INTO targets (post_id, account_id, status, updated_at)
        SELECT id, ${account.id}, 'draft', ${now} FROM posts WHERE caption LIKE 'Load test %';`;
    await execFileP("sqlite3", [join(DATA, "herald.db"), sql]);
    try {
      const measure = async (key, what) => {
        await browser.execute(() => document.activeElement?.blur?.());
        await browser.keys(key);
        await browser.keys("t");
        await settle();
        // Step forward one page at a time until the page holding the load has rendered.
        for (let step = 0; step < 10; step++) {
          await browser.execute(() => (window.__heraldRender = null));
          await browser.keys("j");
          const render = await waitFor(() => browser.execute(() => window.__heraldRender), 30000, `the ${what} view to render`, 100);
          if (render.posts >= 2000) {
            note(`${what} view: ${render.posts} posts rendered in ${Math.round(render.ms)} ms`);
            await settle();
            await webShot(`k-2000-${what}.png`);
            return render;
          }
        }
        throw new Error(`no ${what} page showed the 2,000 posts`);
      };
      await measure("m", "month");
      await measure("w", "week");
    } finally {
      await execFileP("sqlite3", [join(DATA, "herald.db"), "DELETE FROM posts WHERE caption LIKE 'Load test %';"]);
      await browser.keys("t");
    }
  });

  test("z", "each view in dark (GTK's dark theme: the system preference the window follows)", async () => {
    if (browser) await withTimeout(browser.deleteSession(), 10000, "deleteSession").catch(() => {});
    browser = null;
    if (driver && isAlive(driver.pid)) await killPids([driver.pid]);
    await killPids(owned("herald-desktop").map((p) => p.pid), 5000);
    const port = await freePort();
    const nativePort = await freePort();
    const driverLog = openSync(shot("tauri-driver-dark.log"), "w");
    driver = spawn(join(HERE, "node_modules/.bin/tauri-driver"), ["--port", String(port), "--native-port", String(nativePort)], {
      env: { ...ENV, GTK_THEME: "Adwaita:dark" },
      stdio: ["ignore", driverLog, driverLog],
    });
    await withTimeout(waitTauriDriverReady("127.0.0.1", port, 100), 15000, "tauri-driver to listen");
    DRIVER_PORT = port;
    await ensureSession();
    const dark = await browser.execute(() => matchMedia("(prefers-color-scheme: dark)").matches);
    if (!dark) throw new Error("the window does not see a dark system preference");
    await viewShots("z-dark");
  });


  // ------------------------------------------------------------------ run
  let passed = 0, failed = 0;
  const watchdog = setTimeout(() => {
    console.log("FAIL suite: global timeout (420 s)");
    cleanup().finally(() => {
      console.log(`${passed} passed, ${failed + 1} failed`);
      process.exit(1);
    });
  }, 420000);
  let cleaned = false;
  async function cleanup() {
    if (cleaned) return;
    cleaned = true;
    // Quit through the tray menu, as a user would; whatever remains is killed by pid below.
    try {
      const item = [...(watcher?.items.values() || [])][0];
      if (item) {
        await withTimeout(watcher.clickMenu(item, "Quit Herald"), 3000, "Quit Herald").catch(() => {});
        const ok = await waitFor(() => owned("herald tray").length === 0, 5000, "tray to quit").then(() => true, () => false);
        note(`tray ${ok ? "quit through its menu" : "did not quit within 5 s of Quit Herald"}`);
      }
    } catch {}
    if (browser) await withTimeout(browser.deleteSession(), 5000, "deleteSession").catch(() => {});
    browser = null;
    const rest = ownedProcesses(RUN_ID);
    if (rest.length) note(`stopping ${rest.map((p) => `${p.kind} ${p.pid}`).join(", ")}`);
    await killPids(rest.map((p) => p.pid));
    if (driver && isAlive(driver.pid)) await killPids([driver.pid]);
    if (platforms && isAlive(platforms.pid)) await killPids([platforms.pid]);
    await watcher?.stop().catch(() => {});
    try {
      if (existsSync(join(DATA, "logs"))) cpSync(join(DATA, "logs"), join(SHOTS, "logs"), { recursive: true });
    } catch {}
    if (!process.env.HERALD_E2E_KEEP) rmSync(TMP, { recursive: true, force: true });
  }

  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      console.log(`interrupted (${sig}): cleaning up`);
      cleanup().finally(() => {
        console.log(`${passed} passed, ${failed + 1} failed`);
        process.exit(1);
      });
    });
  }
  let setupError = null;
  try {
    await setup();
  } catch (e) {
    setupError = e;
    console.log(`setup failed: ${e.message}`);
  }
  for (const c of cases) {
    if (ONLY.length && !ONLY.includes(c.key)) continue;
    console.log(`(${c.key}) ${c.name}`);
    const t = Date.now();
    try {
      if (setupError && c.key !== "d") throw new Error(`setup failed: ${setupError.message}`);
      await withTimeout(c.fn(), 60000, `case (${c.key})`);
      passed++;
      console.log(`PASS (${c.key}) ${secs(t)}`);
    } catch (e) {
      failed++;
      console.log(`FAIL (${c.key}) ${secs(t)}: ${e.message}`);
      logTails(4);
      if (browser) {
        await webShot(`${c.key}-failure.png`).catch(() => {});
        await browser.getPageSource().then((h) => writeFileSync(shot(`${c.key}-failure.html`), h), () => {});
      }
      else await screenShot(`${c.key}-failure.png`).catch(() => {});
    }
  }
  await cleanup();
  clearTimeout(watchdog);
  console.log(`total ${secs()}; screenshots in ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
