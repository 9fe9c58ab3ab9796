// A tiny app-wide list of transient messages (errors, refusals, the odd success), shown by Toasts.svelte.

export type ToastKind = "error" | "ok";

export interface Toast {
  id: number;
  message: string;
  kind: ToastKind;
}

const DISMISS_AFTER_MS = 6000;
let nextId = 1;

export const toasts: Toast[] = $state([]);

export function dismissToast(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}

export function showToast(message: string, kind: ToastKind = "error"): void {
  const id = nextId++;
  toasts.push({ id, message, kind });
  setTimeout(() => dismissToast(id), DISMISS_AFTER_MS);
}
