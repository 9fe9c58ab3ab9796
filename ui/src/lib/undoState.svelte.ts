// The app-wide Undo offer (shown by UndoToast.svelte): the calendar records moves, deletes and
// copies here; the toast's Undo button and Ctrl+Z take back the newest one still in time.
import { errorMessage } from "./backend/types";
import { showToast } from "./toasts.svelte";
import { applyUndo, UndoStack, type UndoAction, type UndoBackend, type UndoEntry } from "./undo";

const stack = new UndoStack();

export const undoOffer: { entry: UndoEntry | null; busy: boolean } = $state({ entry: null, busy: false });

let timer: ReturnType<typeof setTimeout> | undefined;

function show() {
  clearTimeout(timer);
  const entry = stack.peek(Date.now());
  undoOffer.entry = entry;
  if (entry) timer = setTimeout(show, Math.max(0, entry.expiresAt - Date.now()) + 10);
}

/** Offers to undo `action` for a while; `message` says what was done. */
export function offerUndo(action: UndoAction, message: string, warnings: string[] = []): void {
  stack.push(action, message, Date.now(), warnings);
  show();
}

/** Dismisses the offer on screen (the action stays done). */
export function dismissUndo(id: number): void {
  stack.remove(id);
  show();
}

/** Forgets offers about `postId` (it was changed some other way). */
export function forgetUndo(postId: number): void {
  stack.forgetPost(postId);
  show();
}

/** Undoes the newest action still in time; false if there was none. */
export async function undoLast(backend: UndoBackend): Promise<boolean> {
  if (undoOffer.busy) return false;
  const entry = stack.pop(Date.now());
  if (!entry) {
    show();
    return false;
  }
  undoOffer.busy = true;
  try {
    showToast(await applyUndo(backend, entry.action, new Date()), "ok");
  } catch (e) {
    showToast(`Couldn't undo: ${errorMessage(e)}`);
  } finally {
    undoOffer.busy = false;
    show();
  }
  return true;
}
