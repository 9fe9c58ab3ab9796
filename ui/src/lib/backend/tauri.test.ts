import { beforeEach, describe, expect, it, vi } from "vitest";

// The generated bindings, replaced by stubs: these tests cover the unwrapping in tauri.ts.
const { commands, listen } = vi.hoisted(() => ({
  commands: { listPosts: vi.fn(), movePostToDay: vi.fn(), getStatus: vi.fn(), setRelay: vi.fn(), testRelay: vi.fn() },
  listen: vi.fn(),
}));
vi.mock("./bindings", () => ({ commands, events: { dataChanged: { listen } } }));

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
});
