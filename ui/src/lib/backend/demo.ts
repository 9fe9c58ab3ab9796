// Demo data for the fake backend: two accounts and a handful of posts spread over the current month.
// `?fake=empty,stopped` etc. picks a scenario (see `demoData`).
import { localTimeZone } from "../time";
import type {
  AccountView,
  AppStatus,
  DeveloperApp,
  NetworkCheck,
  PostView,
  RelaySettings,
  TargetStatus,
  TargetView,
} from "./types";
import type { FakeData } from "./fake";

const ACCOUNTS: AccountView[] = [
  { id: 1, platform: "instagram", name: "@lindenbakery", status: "connected", simulated: false, reconnect_reason: null, token_expires_at: null },
  { id: 2, platform: "facebook", name: "Linden Bakery", status: "connected", simulated: false, reconnect_reason: null, token_expires_at: null },
];

const DAY_MS = 24 * 60 * 60_000;

/** Why Instagram's token stopped working, as the core says it (the `reconnect` scenario). */
const RECONNECT_REASON = "Instagram no longer accepts Herald's access (the token expired or was revoked). Connect the account again.";

/**
 * The accounts: the Instagram one with its quota as last read 40 minutes before `now` and a
 * token that expires in 52 days (or one that needs reconnecting).
 */
function accounts(now: Date, needsReconnect: boolean): AccountView[] {
  const checked_at = new Date(now.getTime() - 40 * 60_000).toISOString();
  return ACCOUNTS.map((a) => {
    if (a.platform !== "instagram") return a;
    const quota = { used: 12, total: 50, window_hours: 24, checked_at };
    return needsReconnect
      ? { ...a, quota, status: "needs_reconnect", reconnect_reason: RECONNECT_REASON, token_expires_at: new Date(now.getTime() - 2 * DAY_MS).toISOString() }
      : { ...a, quota, token_expires_at: new Date(now.getTime() + 52 * DAY_MS).toISOString() };
  });
}

/** The developer apps behind the demo accounts (no TikTok app yet). */
const APPS: DeveloperApp[] = [
  { platform: "instagram", client_id: "1234567890123456", redirect_uri: "https://linden.github.io/herald/oauth/instagram/" },
  { platform: "facebook", client_id: "987654321098765", redirect_uri: "https://linden.github.io/herald/oauth/facebook/" },
];

function target(accountId: number, status: TargetStatus, extra: Partial<TargetView> = {}): TargetView {
  const account = ACCOUNTS.find((a) => a.id === accountId)!;
  return { account_id: account.id, account_name: account.name, platform: account.platform, status, ...extra };
}

/** `day` of the month of `now` at hh:mm local time, as an RFC 3339 instant. */
function at(now: Date, day: number, hh: number, mm: number): string {
  return new Date(now.getFullYear(), now.getMonth(), day, hh, mm).toISOString();
}

function posts(now: Date): PostView[] {
  const tz = localTimeZone();
  const today = now.getDate();
  // Days clamped into the current month so every post shows in the default month view.
  const lastDay = new Date(now.getFullYear(), now.getMonth() + 1, 0).getDate();
  const day = (offset: number) => Math.min(Math.max(today + offset, 1), lastDay);
  const image = {
    id: 1, path: "/home/demo/Pictures/sourdough.jpg", kind: "image" as const, mime: "image/jpeg", size_bytes: 482_113,
    alt_text: "A round sourdough loaf with a deep cut across its crust, on a floured board.",
  };
  const rye = {
    id: 2, path: "/home/demo/Pictures/rye-loaves.png", kind: "image" as const, mime: "image/png", size_bytes: 3_912_440,
    alt_text: "Five loaves of bread in a row on a wooden shelf, from light wheat to dark rye.",
  };
  const base = { timezone: tz, kind: "post" as const, draft: false, media: [image], options: { instagram: {} } };
  return [
    {
      ...base, id: 1, due_at: at(now, day(-6), 8, 30),
      caption: "Fresh sourdough is out of the oven 🍞\nCome early, it goes fast.",
      options: { instagram: { first_comment: "#sourdough #bakery #freshbread" } },
      targets: [
        target(1, "published", { permalink: "https://www.instagram.com/p/demo1/", first_comment: { id: "17890455012345678" } }),
        target(2, "published", { permalink: "https://www.facebook.com/lindenbakery/posts/1" }),
      ],
    },
    {
      ...base, id: 2, due_at: at(now, day(-3), 12, 0), kind: "reel",
      caption: "Behind the scenes: shaping croissants",
      targets: [
        target(1, "failed", { error: { code: "media_rejected", message: "Instagram rejected the video: it is longer than 90 seconds." } }),
      ],
    },
    {
      ...base, id: 3, due_at: at(now, day(-1), 18, 15),
      caption: "Weekend opening hours",
      targets: [target(2, "missed")],
    },
    {
      ...base, id: 4, due_at: at(now, day(1), 9, 0), media: [rye],
      caption: "Five breads you should try this autumn\n#bakery #sourdough #rye #bread #autumn #baking",
      options: { instagram: { first_comment: "Which one is your favourite?" } },
      targets: [
        target(1, "scheduled", {
          warning:
            "This would be post 51 within 24 hours on @lindenbakery; Instagram allows 50 (as Instagram last reported). " +
            "Move it later or it will wait for a free slot.",
        }),
        // Facebook gets its own words (no hashtags there).
        target(2, "scheduled", { caption: "Five breads you should try this autumn — which one is your favourite?" }),
      ],
    },
    {
      ...base, id: 5, due_at: at(now, day(2), 17, 45),
      caption: "Team introduction: meet Ana, our head baker",
      targets: [target(2, "scheduled")],
    },
    {
      ...base, id: 6, due_at: at(now, day(4), 7, 30), kind: "story",
      caption: "",
      targets: [target(1, "scheduled")],
    },
    {
      ...base, id: 7, due_at: at(now, day(4), 15, 0),
      caption: "Cinnamon buns are back on Saturday!",
      timezone: "America/New_York",
      targets: [target(1, "scheduled"), target(2, "scheduled")],
    },
    {
      ...base, id: 8, due_at: at(now, day(8), 11, 0), draft: true,
      caption: "Holiday pre-orders (draft)",
      targets: [],
    },
    {
      ...base, id: 9, due_at: null, draft: true,
      caption: "Idea: bread-making workshop",
      targets: [],
    },
  ];
}

/** What `checkPost` finds in post 4 (a tall PNG on Instagram); the others pass. */
const CHECKS: Record<number, NetworkCheck[]> = {
  4: [
    { platform: "facebook", violations: [], changes: [], notices: [] },
    {
      platform: "instagram",
      violations: [
        {
          code: "image_aspect",
          message: "This photo is 9:16 (0.56:1); Instagram feed photos must be between 4:5 and 1.91:1 — choose Fit or Crop.",
        },
      ],
      changes: ["Converted from PNG to JPEG", "Colour profile converted to sRGB"],
      notices: ["The caption has 6 hashtags; Instagram's apps now show at most 5."],
    },
  ],
};

const RELAY: RelaySettings = {
  endpoint: "https://s3.eu-central-1.amazonaws.com",
  region: "eu-central-1",
  bucket: "linden-herald-relay",
  access_key_id: "AKIAIOSFODNN7EXAMPLE",
};

const RUNNING: AppStatus = { publishing: "running", sandbox: false, tray_icon: true, data_dir: "/home/demo/.local/share/herald" };

/**
 * Scenario flags (comma-separated in `?fake=`):
 * `empty` (no accounts, no posts), `stopped`, `paused`, `notray` (no tray icon shown),
 * `sandbox`, `relay` (a media relay is set), `reconnect` (the Instagram account needs
 * reconnecting), `noapps` (no developer app set up), `autosignin` (a sign-in finishes by
 * itself 3 s after it starts, as if the browser came back).
 */
export function demoData(now: Date, flags: string[] = []): FakeData {
  const empty = flags.includes("empty");
  const status: AppStatus = { ...RUNNING };
  if (flags.includes("stopped")) status.publishing = "stopped";
  if (flags.includes("paused")) status.publishing = "paused";
  if (flags.includes("notray")) status.tray_icon = false;
  if (flags.includes("sandbox")) status.sandbox = true;
  return {
    accounts: empty ? [] : accounts(now, flags.includes("reconnect")),
    posts: empty ? [] : posts(now),
    status,
    checks: empty ? {} : CHECKS,
    relay: flags.includes("relay") ? RELAY : null,
    apps: empty || flags.includes("noapps") ? [] : APPS,
    signInAfterMs: flags.includes("autosignin") ? 3000 : undefined,
  };
}
