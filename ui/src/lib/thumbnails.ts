// Small previews of a post's first photo on the calendar: asked of the backend only for posts
// on screen, a few at a time, and kept in memory by file path.

export type ThumbnailLoader = (path: string) => Promise<string | null>;

export interface ThumbnailCache {
  /** The data URL if already known (null: known to have none); undefined if not asked yet. */
  peek(path: string): string | null | undefined;
  /** The data URL (null for videos and unreadable files); one backend call per path, ever. */
  get(path: string): Promise<string | null>;
  /** Forgets everything (e.g. a file may have changed). */
  clear(): void;
  /** How many backend calls are running or waiting. */
  readonly pending: number;
}

/** A cache that runs at most `concurrency` loads at once, newest requests first (what just scrolled into view). */
export function createThumbnailCache(load: ThumbnailLoader, concurrency = 4): ThumbnailCache {
  const known = new Map<string, string | null>();
  const inFlight = new Map<string, Promise<string | null>>();
  const queue: (() => void)[] = [];
  let running = 0;

  function pump() {
    while (running < concurrency && queue.length > 0) queue.pop()!();
  }

  return {
    peek: (path) => known.get(path),
    get(path) {
      if (known.has(path)) return Promise.resolve(known.get(path)!);
      const existing = inFlight.get(path);
      if (existing) return existing;
      const promise = new Promise<string | null>((resolve) => {
        queue.push(() => {
          running++;
          load(path)
            .then(
              (url) => url,
              () => null, // a missing file just shows no preview
            )
            .then((url) => {
              known.set(path, url);
              inFlight.delete(path);
              running--;
              resolve(url);
              pump();
            });
        });
      });
      inFlight.set(path, promise);
      pump();
      return promise;
    },
    clear() {
      known.clear();
    },
    get pending() {
      return inFlight.size;
    },
  };
}
