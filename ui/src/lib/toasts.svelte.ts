// A tiny app-wide list of transient messages (errors and refusals), shown by Toasts.svelte.

export interface Toast {
  id: number;
  message: string;
}

const DISMISS_AFTER_MS = 6000;
let nextId = 1;

export const toasts: Toast[] = $state([]);

export function dismissToast(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}

export function showToast(message: string): void {
  const id = nextId++;
  toasts.push({ id, message });
  setTimeout(() => dismissToast(id), DISMISS_AFTER_MS);
}
