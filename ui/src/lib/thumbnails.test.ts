import { describe, expect, it } from "vitest";
import { createThumbnailCache } from "./thumbnails";

function deferred() {
  const calls: { path: string; resolve: (v: string | null) => void; reject: (e: unknown) => void }[] = [];
  const load = (path: string) =>
    new Promise<string | null>((resolve, reject) => calls.push({ path, resolve, reject }));
  return { calls, load };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("createThumbnailCache", () => {
  it("asks once per path and remembers the answer", async () => {
    const { calls, load } = deferred();
    const cache = createThumbnailCache(load);
    const a = cache.get("/a.jpg");
    const b = cache.get("/a.jpg");
    expect(calls).toHaveLength(1);
    expect(cache.peek("/a.jpg")).toBeUndefined();
    calls[0].resolve("data:a");
    expect(await a).toBe("data:a");
    expect(await b).toBe("data:a");
    expect(cache.peek("/a.jpg")).toBe("data:a");
    expect(await cache.get("/a.jpg")).toBe("data:a");
    expect(calls).toHaveLength(1);
  });

  it("remembers that a file has no preview, also after an error", async () => {
    const { calls, load } = deferred();
    const cache = createThumbnailCache(load);
    const p = cache.get("/gone.jpg");
    calls[0].reject(new Error("no such file"));
    expect(await p).toBeNull();
    expect(cache.peek("/gone.jpg")).toBeNull();
  });

  it("runs a few at a time, newest first", async () => {
    const { calls, load } = deferred();
    const cache = createThumbnailCache(load, 2);
    for (const p of ["/1", "/2", "/3", "/4"]) cache.get(p);
    // The first two start at once (each pumped as it arrives).
    expect(calls.map((c) => c.path)).toEqual(["/1", "/2"]);
    expect(cache.pending).toBe(4);
    calls[0].resolve(null);
    await flush();
    // The newest waiting request goes next.
    expect(calls.map((c) => c.path)).toEqual(["/1", "/2", "/4"]);
    calls[1].resolve(null);
    calls[2].resolve(null);
    await flush();
    expect(calls.map((c) => c.path)).toEqual(["/1", "/2", "/4", "/3"]);
    calls[3].resolve("x");
    await flush();
    expect(cache.pending).toBe(0);
  });

  it("forgets on clear", async () => {
    const { calls, load } = deferred();
    const cache = createThumbnailCache(load);
    const p = cache.get("/a");
    calls[0].resolve("one");
    await p;
    cache.clear();
    cache.get("/a");
    expect(calls).toHaveLength(2);
  });
});
