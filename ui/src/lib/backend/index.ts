// Picks the backend: the Rust core inside Tauri, the in-memory fake in a plain browser or with `?fake`.
import { demoData } from "./demo";
import { createFakeBackend } from "./fake";
import { createTauriBackend } from "./tauri";
import type { Backend } from "./types";

export * from "./types";

function pickBackend(): Backend {
  const fakeParam = new URLSearchParams(window.location.search).get("fake");
  if (fakeParam === null && "__TAURI_INTERNALS__" in window) return createTauriBackend();
  const flags = (fakeParam ?? "").split(",").filter(Boolean);
  return createFakeBackend(demoData(new Date(), flags));
}

export const backend: Backend = pickBackend();
