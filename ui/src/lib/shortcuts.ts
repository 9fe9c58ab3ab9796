// The window's keyboard shortcuts: which key does what, and when keys are left alone.

export type ShortcutAction =
  | "new-post"
  | "today"
  | "next"
  | "prev"
  | "view-month"
  | "view-week"
  | "view-day"
  | "view-list"
  | "help"
  | "undo";

/** The parts of a KeyboardEvent that matter here (so tests need no DOM). */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  /** The focused element's tag name, e.g. "INPUT". */
  targetTag?: string;
  /** The focused element is contenteditable, or a textbox/combobox by role. */
  targetEditable?: boolean;
  /** A modal dialog is open: it owns the keyboard. */
  dialogOpen?: boolean;
  /** The event was already handled (e.g. by a focused widget). */
  defaultPrevented?: boolean;
  /** Auto-repeat from a held key. */
  repeat?: boolean;
}

const TYPING_TAGS = new Set(["INPUT", "TEXTAREA", "SELECT"]);

const PLAIN_KEYS: Record<string, ShortcutAction> = {
  n: "new-post",
  t: "today",
  j: "next",
  ArrowRight: "next",
  k: "prev",
  ArrowLeft: "prev",
  m: "view-month",
  w: "view-week",
  d: "view-day",
  l: "view-list",
};

/** Whether keys typed now belong to a text field. */
export function isTyping(input: Pick<KeyInput, "targetTag" | "targetEditable">): boolean {
  return Boolean(input.targetEditable) || TYPING_TAGS.has((input.targetTag ?? "").toUpperCase());
}

/** The action for a key press, or null to leave the key to the browser and the focused control. */
export function shortcutFor(input: KeyInput): ShortcutAction | null {
  if (input.defaultPrevented || input.dialogOpen || isTyping(input)) return null;
  const { key } = input;
  const command = Boolean(input.ctrlKey || input.metaKey);
  // Ctrl+Z / ⌘Z undoes the last move or delete (Shift would be redo, which there is none of).
  if (command && !input.altKey && !input.shiftKey && key.toLowerCase() === "z") return "undo";
  if (command || input.altKey) return null;
  // "?" needs Shift on most layouts; any other Shift combination is left alone.
  if (key === "?") return "help";
  if (input.shiftKey) return null;
  // Arrows on a focused button or link move focus or scroll elsewhere; held keys page once per press.
  if (input.repeat && !(key === "ArrowRight" || key === "ArrowLeft" || key === "j" || key === "k")) return null;
  const action = PLAIN_KEYS[key.length === 1 ? key.toLowerCase() : key];
  return action ?? null;
}

/** The shortcuts as the help dialog lists them. */
export const SHORTCUT_HELP: { keys: string[]; label: string }[] = [
  { keys: ["N"], label: "New post" },
  { keys: ["T"], label: "Go to today" },
  { keys: ["J", "→"], label: "Next month, week or day" },
  { keys: ["K", "←"], label: "Previous month, week or day" },
  { keys: ["M"], label: "Month view" },
  { keys: ["W"], label: "Week view" },
  { keys: ["D"], label: "Day view" },
  { keys: ["L"], label: "List view" },
  { keys: ["Ctrl", "Z"], label: "Undo the last move or delete" },
  { keys: ["?"], label: "Show these shortcuts" },
  { keys: ["Esc"], label: "Close a dialog or menu" },
];
