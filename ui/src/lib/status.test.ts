import { describe, expect, it } from "vitest";
import type { AppStatus } from "./backend/types";
import { bannerContent, pauseButton } from "./status";

const status = (publishing: AppStatus["publishing"], tray_icon: boolean | null = true): AppStatus => ({
  publishing,
  sandbox: false,
  tray_icon,
  data_dir: "/data",
});

describe("bannerContent", () => {
  it("explains a stopped publisher and how to start it", () => {
    const c = bannerContent(status("stopped"));
    expect(c.state).toBe("stopped");
    expect(c.title).toMatch(/stopped/i);
    expect(c.detail).toContain("not running");
    expect(c.detail).toContain("`herald tray`");
    expect(c.canResume).toBe(false);
  });

  it("offers Resume when paused", () => {
    const c = bannerContent(status("paused"));
    expect(c.title).toMatch(/paused/i);
    expect(c.canResume).toBe(true);
  });

  it("is quiet when running", () => {
    expect(bannerContent(status("running"))).toMatchObject({ detail: null, canResume: false, trayNote: null });
  });

  it("notes a missing tray icon only when it is known to be missing", () => {
    expect(bannerContent(status("running", false)).trayNote).toMatch(/no tray icon.*continues in the background/i);
    expect(bannerContent(status("paused", false)).trayNote).toMatch(/no tray icon/i);
    expect(bannerContent(status("running", null)).trayNote).toBeNull();
    // When stopped, the process isn't there to have an icon at all.
    expect(bannerContent(status("stopped", false)).trayNote).toBeNull();
  });
});

describe("pauseButton", () => {
  it("pauses when running, resumes when paused, is disabled when stopped", () => {
    expect(pauseButton(status("running"))).toEqual({ label: "Pause publishing", pause: true, disabled: false });
    expect(pauseButton(status("paused"))).toEqual({ label: "Resume publishing", pause: false, disabled: false });
    expect(pauseButton(status("stopped")).disabled).toBe(true);
  });
});
