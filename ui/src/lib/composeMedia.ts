// The composer's attached files: adding (no duplicates), reordering, removing, and what to say
// about each one (kind, size, dimensions, duration, or why it can't be used).
import type { MediaFacts } from "./backend/types";
import type { MediaKind } from "./composeKinds";
import { inInstagramFeedRange } from "./composePreview";

/** One attached file as the composer edits it. */
export interface ComposeMedia {
  path: string;
  /** Empty for none. */
  alt_text: string;
}

const IMAGE_EXT = new Set(["jpg", "jpeg", "png", "webp", "gif", "heic", "heif", "bmp", "tif", "tiff", "avif"]);
const VIDEO_EXT = new Set(["mp4", "mov", "m4v", "webm", "mkv", "avi"]);

/** The file's name, from an absolute path on any system. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

function extension(path: string): string {
  const name = fileName(path);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** Whether a picked file looks like a JPEG (Instagram reel covers must be). */
export function isJpegPath(path: string): boolean {
  return ["jpg", "jpeg"].includes(extension(path));
}

/** A file's kind: as Herald read it when known, else guessed from its extension (null: neither). */
export function mediaKindOf(path: string, facts?: MediaFacts | null): MediaKind | null {
  if (facts?.kind) return facts.kind;
  const ext = extension(path);
  if (IMAGE_EXT.has(ext)) return "image";
  if (VIDEO_EXT.has(ext)) return "video";
  return null;
}

/** The media's kinds, in order; unknown files count as photos (the checks will say more). */
export function mediaKinds(media: readonly ComposeMedia[], facts: ReadonlyMap<string, MediaFacts>, known?: ReadonlyMap<string, MediaKind>): MediaKind[] {
  return media.map((m) => mediaKindOf(m.path, facts.get(m.path)) ?? known?.get(m.path) ?? "image");
}

/** `media` with `paths` added at the end; files already attached are skipped. */
export function addMedia(media: readonly ComposeMedia[], paths: readonly string[]): ComposeMedia[] {
  const seen = new Set(media.map((m) => m.path));
  const added: ComposeMedia[] = [];
  for (const path of paths) {
    if (!path || seen.has(path)) continue;
    seen.add(path);
    added.push({ path, alt_text: "" });
  }
  return [...media, ...added];
}

/** `media` with item `from` moved to position `to` (clamped); unchanged when out of range. */
export function moveMedia<T>(media: readonly T[], from: number, to: number): T[] {
  const list = [...media];
  if (from < 0 || from >= list.length) return list;
  const target = Math.max(0, Math.min(list.length - 1, to));
  const [item] = list.splice(from, 1);
  list.splice(target, 0, item);
  return list;
}

export function removeMedia<T>(media: readonly T[], index: number): T[] {
  return media.filter((_, i) => i !== index);
}

/** Where an item moves for a key press (Alt+Arrow, Home/End with Alt), or null. */
export function moveForKey(index: number, count: number, key: string): number | null {
  switch (key) {
    case "ArrowLeft":
    case "ArrowUp":
      return index > 0 ? index - 1 : null;
    case "ArrowRight":
    case "ArrowDown":
      return index < count - 1 ? index + 1 : null;
    case "Home":
      return index > 0 ? 0 : null;
    case "End":
      return index < count - 1 ? count - 1 : null;
    default:
      return null;
  }
}

/** "482 KB", "3.9 MB", "1.2 GB" (decimal units, like the platforms' limits). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 1000 && unit < units.length - 1);
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** "0:42", "12:05", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** The file's format from its MIME type: "JPEG", "PNG", "MP4", "QuickTime"… */
function formatName(mime: string | null): string | null {
  if (!mime) return null;
  const sub = mime.split("/")[1] ?? "";
  const known: Record<string, string> = { jpeg: "JPEG", png: "PNG", webp: "WebP", gif: "GIF", heic: "HEIC", mp4: "MP4", quicktime: "MOV", webm: "WebM" };
  return known[sub] ?? sub.toUpperCase();
}

/** One line about a file: "JPEG · 1080×1350 · 482 KB", "MP4 · 1920×1080 · 0:42 · 12 MB". */
export function factsLine(facts: MediaFacts | null | undefined): string {
  if (!facts) return "Reading…";
  const parts: string[] = [];
  const format = formatName(facts.mime);
  if (format) parts.push(format);
  if (facts.width && facts.height) parts.push(`${facts.width}×${facts.height}`);
  if (facts.duration_ms !== null && facts.duration_ms !== undefined && facts.kind === "video") parts.push(formatDuration(facts.duration_ms));
  if (facts.size_bytes !== null && facts.size_bytes !== undefined) parts.push(formatBytes(facts.size_bytes));
  return parts.join(" · ");
}

/** Whether a photo falls outside Instagram's feed range (4:5 to 1.91:1), so Fit or Crop is needed. */
export function outsideInstagramFeed(facts: MediaFacts | null | undefined): boolean {
  if (!facts || facts.kind !== "image" || !facts.width || !facts.height) return false;
  return !inInstagramFeedRange(facts.width / facts.height);
}
