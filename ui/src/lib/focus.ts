// Keeping keyboard focus inside a modal dialog: Tab from the last control goes to the first,
// Shift+Tab from the first to the last.

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Where focus should jump when Tab is pressed on item `index` of `count` focusable items
 * (`index` -1: focus is elsewhere, e.g. on the dialog itself); null to let the browser move it.
 */
export function wrapFocus(index: number, count: number, backwards: boolean): number | null {
  if (count === 0) return null;
  if (index === -1) return backwards ? count - 1 : 0;
  if (backwards && index === 0) return count - 1;
  if (!backwards && index === count - 1) return 0;
  return null;
}

/** Svelte action: traps Tab and Shift+Tab inside `node`. */
export function trapFocus(node: HTMLElement) {
  function onKeydown(event: KeyboardEvent) {
    if (event.key !== "Tab") return;
    const items = [...node.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
    const next = wrapFocus(items.indexOf(document.activeElement as HTMLElement), items.length, event.shiftKey);
    if (next === null) return;
    event.preventDefault();
    items[next].focus();
  }
  node.addEventListener("keydown", onKeydown);
  return {
    destroy: () => node.removeEventListener("keydown", onKeydown),
  };
}
