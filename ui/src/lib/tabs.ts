// Keyboard moves in a tab list (WAI-ARIA tabs pattern, horizontal, automatic activation).

/** The tab `key` moves to from `current`, wrapping at the ends; null for any other key. */
export function tabAfterKey<T>(tabs: readonly T[], current: T, key: string): T | null {
  if (tabs.length === 0) return null;
  const index = Math.max(0, tabs.indexOf(current));
  switch (key) {
    case "ArrowRight":
      return tabs[(index + 1) % tabs.length];
    case "ArrowLeft":
      return tabs[(index - 1 + tabs.length) % tabs.length];
    case "Home":
      return tabs[0];
    case "End":
      return tabs[tabs.length - 1];
    default:
      return null;
  }
}

/** The tabs of the Settings dialog, in order. */
export const SETTINGS_TABS = ["accounts", "platforms", "relay"] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

export const SETTINGS_TAB_LABELS: Record<SettingsTab, string> = {
  accounts: "Accounts",
  platforms: "Platforms",
  relay: "Media relay",
};
