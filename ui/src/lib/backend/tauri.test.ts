import { beforeEach, describe, expect, it, vi } from "vitest";

// The generated bindings, replaced by stubs: these tests cover the unwrapping in tauri.ts.
const { commands, listen, listenSignIn, listenDrop } = vi.hoisted(() => ({
  commands: {
    listPosts: vi.fn(),
    movePostToDay: vi.fn(),
    getStatus: vi.fn(),
    setRelay: vi.fn(),
    testRelay: vi.fn(),
    setDeveloperApp: vi.fn(),
    startSignIn: vi.fn(),
    disconnectAccount: vi.fn(),
    takeSignInResult: vi.fn(),
    createPost: vi.fn(),
    duplicatePost: vi.fn(),
    mediaFacts: vi.fn(),
    pickMedia: vi.fn(),
  },
  listen: vi.fn(),
  listenSignIn: vi.fn(),
  listenDrop: vi.fn(),
}));
vi.mock("./bindings", () => ({
  commands,
  events: { dataChanged: { listen }, signInFinished: { listen: listenSignIn }, filesDropped: { listen: listenDrop } },
}));

import { createTauriBackend } from "./tauri";
import { BackendError } from "./types";

describe("tauri backend", () => {
  beforeEach(() => vi.resetAllMocks());

  it("passes arguments through and returns the data of an ok result", async () => {
    commands.listPosts.mockResolvedValue({ status: "ok", data: [] });
    await expect(createTauriBackend().listPosts("a", "b")).resolves.toEqual([]);
    expect(commands.listPosts).toHaveBeenCalledWith("a", "b");
  });

  it("turns an AppError result into a BackendError with the core's message", async () => {
    commands.movePostToDay.mockResolvedValue({ status: "error", error: { code: "conflict", message: "Already published." } });
    const err = await createTauriBackend().moveToDay(1, "2026-01-01").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: "conflict", message: "Already published." });
  });

  it("wraps a bare string rejection and a thrown Error", async () => {
    commands.getStatus.mockResolvedValueOnce({ status: "error", error: "command get_status not found" });
    await expect(createTauriBackend().getStatus()).rejects.toMatchObject({ code: "internal", message: "command get_status not found" });
    commands.getStatus.mockRejectedValueOnce(new Error("IPC down"));
    await expect(createTauriBackend().getStatus()).rejects.toMatchObject({ code: "internal", message: "IPC down" });
  });

  it("passes the relay settings and secret through, and reports a failed relay test", async () => {
    const settings = { endpoint: "https://s3.example.com", region: "auto", bucket: "relay", access_key_id: "AKIA" };
    commands.setRelay.mockResolvedValue({ status: "ok", data: settings });
    await expect(createTauriBackend().setRelay(settings, "secret")).resolves.toEqual(settings);
    expect(commands.setRelay).toHaveBeenCalledWith(settings, "secret");
    commands.testRelay.mockResolvedValue({ status: "error", error: { code: "invalid_input", message: "no media relay is set" } });
    await expect(createTauriBackend().testRelay()).rejects.toMatchObject({ code: "invalid_input", message: "no media relay is set" });
  });

  it("passes developer apps, sign-ins and disconnects through", async () => {
    const form = { platform: "tiktok" as const, client_id: "awkey", redirect_uri: null, secret: null };
    const app = { platform: "tiktok", client_id: "awkey", redirect_uri: "http://127.0.0.1:*/callback/" };
    commands.setDeveloperApp.mockResolvedValue({ status: "ok", data: app });
    await expect(createTauriBackend().setDeveloperApp(form)).resolves.toEqual(app);
    expect(commands.setDeveloperApp).toHaveBeenCalledWith(form);
    commands.startSignIn.mockResolvedValue({
      status: "error",
      error: { code: "invalid_input", message: "set up your TikTok developer app first" },
    });
    await expect(createTauriBackend().startSignIn("tiktok")).rejects.toMatchObject({ code: "invalid_input" });
    commands.disconnectAccount.mockResolvedValue({ status: "ok", data: { message: "Disconnected.", notes: [] } });
    await expect(createTauriBackend().disconnectAccount(3, true)).resolves.toEqual({ message: "Disconnected.", notes: [] });
    expect(commands.disconnectAccount).toHaveBeenCalledWith(3, true);
    commands.takeSignInResult.mockResolvedValue({ status: "ok", data: null });
    await expect(createTauriBackend().takeSignInResult()).resolves.toBeNull();
  });

  it("passes sign-in outcomes to the listener", async () => {
    const unlisten = vi.fn();
    listenSignIn.mockResolvedValue(unlisten);
    const cb = vi.fn();
    const stop = createTauriBackend().onSignInFinished(cb);
    const outcome = { platform: "instagram", ok: false, message: "You cancelled.", accounts: [] };
    listenSignIn.mock.calls[0][0]({ event: "sign-in-finished", id: 2, payload: outcome });
    expect(cb).toHaveBeenCalledWith(outcome);
    stop();
    await vi.waitFor(() => expect(unlisten).toHaveBeenCalled());
  });

  it("subscribes to data-changed and unlistens when stopped", async () => {
    const unlisten = vi.fn();
    listen.mockResolvedValue(unlisten);
    const cb = vi.fn();
    const stop = createTauriBackend().onDataChanged(cb);
    listen.mock.calls[0][0]({ event: "data-changed", id: 1, payload: null });
    expect(cb).toHaveBeenCalledTimes(1);
    stop();
    await vi.waitFor(() => expect(unlisten).toHaveBeenCalled());
  });

  it("passes composer calls through", async () => {
    const draft = {
      caption: "Hi",
      captions: { instagram: "Hi IG" },
      kind: "post" as const,
      accounts: [1],
      media: [],
      options: {},
      at: null,
      timezone: "UTC",
    };
    commands.createPost.mockResolvedValue({ status: "error", error: { code: "invalid_input", message: "Instagram: too long." } });
    await expect(createTauriBackend().createPost(draft, "schedule")).rejects.toMatchObject({ code: "invalid_input" });
    expect(commands.createPost).toHaveBeenCalledWith(draft, "schedule");
    commands.duplicatePost.mockResolvedValue({ status: "ok", data: { id: 2 } });
    await expect(createTauriBackend().duplicatePost(1, null)).resolves.toEqual({ id: 2 });
    expect(commands.duplicatePost).toHaveBeenCalledWith(1, null);
    commands.mediaFacts.mockResolvedValue({ status: "ok", data: [] });
    await expect(createTauriBackend().mediaFacts(["/a.png"])).resolves.toEqual([]);
    commands.pickMedia.mockResolvedValue({ status: "ok", data: ["/a.png"] });
    await expect(createTauriBackend().pickMedia()).resolves.toEqual(["/a.png"]);
  });

  it("passes dropped files to the listener", async () => {
    const unlisten = vi.fn();
    listenDrop.mockResolvedValue(unlisten);
    const cb = vi.fn();
    const stop = createTauriBackend().onFilesDropped(cb);
    listenDrop.mock.calls[0][0]({ event: "files-dropped", id: 3, payload: { paths: ["/home/me/a.jpg"] } });
    expect(cb).toHaveBeenCalledWith(["/home/me/a.jpg"]);
    stop();
    await vi.waitFor(() => expect(unlisten).toHaveBeenCalled());
  });
});
