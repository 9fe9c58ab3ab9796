// The one interface the UI talks to. Implemented by tauri.ts (the real core)
// and fake.ts (in-memory, for tests and for running the UI in a plain browser).
import type {
  AccountView,
  AttemptView,
  AppError,
  AppStatus,
  DeveloperApp,
  DeveloperAppForm,
  DisconnectSummary,
  MediaFacts,
  NetworkCheck,
  Platform,
  PostDraft,
  PostIntent,
  PostView,
  RelaySettings,
  SignInFinished,
  SignInStarted,
  TikTokCreator,
} from "./bindings";

export type {
  AccountStatus,
  AttemptView,
  AspectFix,
  Captions,
  AccountView,
  AppError,
  AppStatus,
  DeveloperApp,
  DeveloperAppForm,
  DisconnectSummary,
  DraftMedia,
  FirstCommentView,
  InstagramOptions,
  MediaFacts,
  MediaKind,
  MediaView,
  NetworkCheck,
  Platform,
  PostDraft,
  PostIntent,
  PostKind,
  PostOptions,
  PostView,
  PublishingState,
  QuotaView,
  RelaySettings,
  SignInFinished,
  SignInStarted,
  TargetError,
  TargetStatus,
  TargetView,
  TikTokCreator,
  TikTokOptions,
  TikTokPrivacy,
  Violation,
} from "./bindings";

export interface Backend {
  /** Posts whose due time is in [from, to); both RFC 3339 instants. */
  listPosts(from: string, to: string): Promise<PostView[]>;
  /** Drafts that have no due time yet. */
  listDrafts(): Promise<PostView[]>;
  /** Posts with a failed or missed target: the *Needs attention* list. */
  listAttention(): Promise<PostView[]>;
  getPost(id: number): Promise<PostView>;
  /** The posting-limit warnings the post would get at `at` (RFC 3339); nothing changes. */
  moveWarnings(id: number, at: string): Promise<string[]>;
  /** Every publishing attempt of the post's targets, oldest first. */
  getPostHistory(id: number): Promise<AttemptView[]>;
  /** Move a post to an exact instant (RFC 3339). */
  reschedule(id: number, at: string): Promise<PostView>;
  /** Move a post to another day ("YYYY-MM-DD"), keeping its time of day in its own time zone. */
  moveToDay(id: number, date: string): Promise<PostView>;
  /** Try the failed or missed targets again now (only `accountId`'s when given). */
  retry(id: number, accountId?: number): Promise<PostView>;
  /** Publish a scheduled post now instead of at its time. */
  publishNow(id: number): Promise<PostView>;
  /** Stop a post (or one account's target) from being published; it becomes a draft. */
  cancel(id: number, accountId?: number): Promise<PostView>;
  listAccounts(): Promise<AccountView[]>;
  getStatus(): Promise<AppStatus>;
  setPublishingPaused(paused: boolean): Promise<AppStatus>;
  /** Turn on "Try Herald with sandbox accounts" (simulated accounts, local publishing only). */
  enableSandbox(): Promise<AppStatus>;
  /** Remove the sandbox accounts and their posts. */
  disableSandbox(): Promise<AppStatus>;
  /** What the post would be on each of its networks: broken rules, media changes, notices. */
  checkPost(id: number): Promise<NetworkCheck[]>;
  /** The media relay in effect (saved settings overridden by `HERALD_RELAY_*`), never its secret; null when none. */
  getRelay(): Promise<RelaySettings | null>;
  /** Saves the media relay; the secret access key goes to the OS keyring and never comes back. */
  setRelay(settings: RelaySettings, secretAccessKey: string): Promise<RelaySettings>;
  /** Uploads a tiny file to the relay, fetches it through an expiring link and deletes it. */
  testRelay(): Promise<null>;
  /** Forgets the saved relay and deletes its secret from the keyring. */
  clearRelay(): Promise<null>;
  /** The developer apps set up so far (never their secrets). */
  listDeveloperApps(): Promise<DeveloperApp[]>;
  /** Saves a developer app; its secret goes to the OS keyring (an empty one keeps the stored secret). */
  setDeveloperApp(app: DeveloperAppForm): Promise<DeveloperApp>;
  /** Forgets a developer app and deletes its secret. */
  removeDeveloperApp(platform: Platform): Promise<null>;
  /** Opens the platform's sign-in page in the browser; the outcome comes as `onSignInFinished`. */
  startSignIn(platform: Platform): Promise<SignInStarted>;
  /** Finishes an Instagram or Facebook sign-in from the link the redirect page offers. */
  completeSignIn(link: string): Promise<SignInFinished>;
  /** A sign-in outcome kept for the window (one that finished before it listened); taking it clears it. */
  takeSignInResult(): Promise<SignInFinished | null>;
  /** Disconnects an account; its posts are kept as drafts unless `deletePosts`. */
  disconnectAccount(accountId: number, deletePosts: boolean): Promise<DisconnectSummary>;
  /** A post a link (e.g. a clicked notification) asked to show before the UI was ready. */
  takePendingPost(): Promise<number | null>;
  /** Calls `cb` when a link asks to show a post; returns an unsubscribe function. */
  onOpenPost(cb: (id: number) => void): () => void;
  /** Calls `cb` when a sign-in started with `startSignIn` (or a herald://oauth link) ends. */
  onSignInFinished(cb: (outcome: SignInFinished) => void): () => void;
  /** Calls `cb` whenever posts, accounts or status change; returns an unsubscribe function. */
  onDataChanged(cb: () => void): () => void;

  // The composer and the calendar's drafts.
  /** What `draft` would be on each selected account (one check per account); never saves. Violations block Schedule. */
  validatePost(draft: PostDraft): Promise<NetworkCheck[]>;
  /** Saves a new post as a draft, scheduled at `draft.at`, or due now. A non-draft that breaks a rule is refused naming every rule. */
  createPost(draft: PostDraft, intent: PostIntent): Promise<PostView>;
  /** Replaces a post with `draft` (refused once a target is publishing or published: duplicate it instead). */
  updatePost(id: number, draft: PostDraft, intent: PostIntent): Promise<PostView>;
  /** Deletes a post from Herald (not from the networks it was published to). */
  deletePost(id: number): Promise<null>;
  /** A copy of a post at `at` (RFC 3339 instant), or an undated draft copy when null. */
  duplicatePost(id: number, at: string | null): Promise<PostView>;
  /** Schedules a draft on a day ("YYYY-MM-DD") at the default time of day in the post's zone (an undated draft) or its own time. */
  scheduleDraftOnDay(id: number, date: string): Promise<PostView>;
  /** What TikTok last said about an account's creator (privacy levels, interactions, longest video); null if unknown. */
  getTiktokCreator(accountId: number): Promise<TikTokCreator | null>;
  /** What each file is (kind, size, dimensions, duration), or why it cannot be used. */
  mediaFacts(paths: string[]): Promise<MediaFacts[]>;
  /** A small JPEG preview ("data:image/jpeg;base64,…", at most 256 px); null for videos and unreadable files. */
  thumbnail(path: string): Promise<string | null>;
  /** Opens the system file dialog for images and videos; the chosen absolute paths ([] when cancelled). */
  pickMedia(): Promise<string[]>;
  /** Calls `cb` with the paths of files dropped from the desktop onto the window; returns an unsubscribe function. */
  onFilesDropped(cb: (paths: string[]) => void): () => void;
}

/** Every backend method rejects with this; `message` is meant for the user. */
export class BackendError extends Error {
  readonly code: AppError["code"];

  constructor(code: AppError["code"], message: string) {
    super(message);
    this.name = "BackendError";
    this.code = code;
  }
}

/** Turns whatever a command rejected with (an AppError, or a bare string from Tauri itself) into a BackendError. */
export function toBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  if (typeof error === "object" && error !== null && typeof (error as AppError).message === "string") {
    const { code, message } = error as AppError;
    return new BackendError(code ?? "internal", message);
  }
  if (error instanceof Error) return new BackendError("internal", error.message);
  return new BackendError("internal", String(error));
}

/** The user-facing text for any error caught in the UI. */
export function errorMessage(error: unknown): string {
  return toBackendError(error).message;
}
