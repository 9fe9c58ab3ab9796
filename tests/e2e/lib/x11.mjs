// The X screen, seen as a user would: which top-level windows are on it, and a picture of it.
// Uses xwininfo (x11-utils) and ImageMagick's import/convert.

import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Viewable X windows whose name is exactly `name`: [{id, geometry}]. */
export async function viewableWindows(name) {
  const { stdout } = await run("xwininfo", ["-root", "-tree"], { maxBuffer: 8 << 20 });
  const want = `"${name}":`;
  const ids = [];
  for (const line of stdout.split("\n")) {
    const t = line.trim();
    const m = /^(0x[0-9a-f]+) (.*)$/i.exec(t);
    if (m && m[2].startsWith(want)) ids.push({ id: m[1], geometry: (/\s(\d+x\d+\+-?\d+\+-?\d+)/.exec(m[2]) || [])[1] });
  }
  const out = [];
  for (const w of ids) {
    try {
      const { stdout: info } = await run("xwininfo", ["-id", w.id]);
      if (/Map State:\s+IsViewable/.test(info)) out.push(w);
    } catch {
      // the window went away between the two calls
    }
  }
  return out;
}

/** A PNG of the whole X screen. */
export async function screenshotRoot(file) {
  await run("import", ["-window", "root", file]);
  return file;
}

/** Standard deviation (0..1) of the pixels of a window: near 0 while it is still blank. */
export async function windowContrast(id) {
  const { stdout } = await run("sh", ["-c", `import -window ${id} png:- | convert png:- -colorspace Gray -format "%[fx:standard_deviation]" info:`]);
  return Number(stdout.trim());
}
