// The wording of the publishing status banner.
import type { AppStatus, PublishingState } from "./backend/types";

export interface BannerContent {
  state: PublishingState;
  title: string;
  detail: string | null;
  /** Show a Resume button in the banner. */
  canResume: boolean;
  /** Set when the background process runs but no tray icon is shown. */
  trayNote: string | null;
}

export function bannerContent(status: AppStatus): BannerContent {
  const noTray = status.tray_icon === false;
  switch (status.publishing) {
    case "stopped":
      return {
        state: "stopped",
        title: "Publishing is stopped",
        detail:
          "The background publisher is not running, so nothing will be posted. " +
          "Open Herald from the launcher or run `herald tray`.",
        canResume: false,
        trayNote: null,
      };
    case "paused":
      return {
        state: "paused",
        title: "Publishing is paused",
        detail: "Scheduled posts wait until you resume.",
        canResume: true,
        trayNote: noTray ? "No tray icon is shown on this desktop; Herald keeps running in the background." : null,
      };
    case "running":
      return {
        state: "running",
        title: "Publishing on",
        detail: null,
        canResume: false,
        trayNote: noTray ? "No tray icon is shown on this desktop, but publishing continues in the background." : null,
      };
  }
}

/** The header's Pause/Resume button. */
export function pauseButton(status: AppStatus): { label: string; pause: boolean; disabled: boolean } {
  if (status.publishing === "paused") return { label: "Resume publishing", pause: false, disabled: false };
  return { label: "Pause publishing", pause: true, disabled: status.publishing === "stopped" };
}
