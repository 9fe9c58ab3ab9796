// Processes of one test run, found through /proc.
//
// Every process the suite starts gets HERALD_E2E_RUN=<random id> in its environment, and every
// process Herald starts from there (the tray, the window, WebKit's helpers) inherits it. Reading
// /proc/<pid>/environ therefore finds exactly the processes this run owns, even those re-parented
// to init, and nothing else on the machine: cleanup kills by those pids only.

import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { basename } from "node:path";

export const MARKER = "HERALD_E2E_RUN";

function readProc(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm may contain spaces and parentheses: the state follows the last ")".
    const rp = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, rp);
    const [state, ppid] = stat.slice(rp + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    let exe = "";
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch {}
    return { pid: Number(pid), ppid: Number(ppid), state, comm, cmdline, exe };
  } catch {
    return null;
  }
}

function environHas(pid, entry) {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(entry);
  } catch {
    return false;
  }
}

/** Live (non-zombie) processes carrying MARKER=runId, each with a `kind`. */
export function ownedProcesses(runId) {
  const entry = `${MARKER}=${runId}`;
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    if (!environHas(d, entry)) continue;
    const p = readProc(d);
    if (!p || p.state === "Z" || p.state === "X") continue;
    p.kind = kindOf(p);
    out.push(p);
  }
  return out;
}

export function kindOf(p) {
  const exeName = basename(p.exe.replace(/ \(deleted\)$/, ""));
  const arg0 = basename(p.cmdline[0] || "");
  const name = exeName || arg0 || p.comm;
  if (name === "herald-desktop" || arg0 === "herald-desktop") return "herald-desktop";
  if (name === "herald" || arg0 === "herald") return p.cmdline.includes("tray") ? "herald tray" : "herald";
  if (/WebKitWebProcess/.test(name + arg0)) return "WebKitWebProcess";
  if (/WebKitNetworkProcess/.test(name + arg0)) return "WebKitNetworkProcess";
  if (/WebKitWebDriver/.test(name + arg0)) return "WebKitWebDriver";
  return name;
}

export function isAlive(pid) {
  const p = readProc(pid);
  return !!p && p.state !== "Z" && p.state !== "X";
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` (sync or async) until it returns a truthy value; throws `what` after timeoutMs. */
export async function waitFor(fn, timeoutMs, what, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** SIGTERM, then SIGKILL after graceMs, for the given pids only. */
export async function killPids(pids, graceMs = 3000) {
  const live = pids.filter(isAlive);
  for (const pid of live) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {}
  }
  const deadline = Date.now() + graceMs;
  while (live.some(isAlive) && Date.now() < deadline) await sleep(100);
  for (const pid of live.filter(isAlive)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
}
