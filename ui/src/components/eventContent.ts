// The inside of one post on the calendar: [account avatar] [first photo] time, title, status badge.
// Built with plain DOM (FullCalendar calls this for every event it draws), cheap per event:
// thumbnails are only asked for once the event scrolls into view (see ThumbnailObserver).
import type { EventDisplayInfo } from "fullcalendar";
import type { PostView } from "../lib/backend/types";
import { postAvatar, postPreview, STATUS_GLYPHS, STATUS_LABELS, type PostStatus } from "../lib/posts";
import type { ThumbnailCache } from "../lib/thumbnails";
import { uploadLine } from "../lib/upload";

function span(className: string, text = ""): HTMLSpanElement {
  const el = document.createElement("span");
  el.className = className;
  if (text) el.textContent = text;
  return el;
}

/** Fills `.herald-thumb` placeholders with their photo once they are on screen. */
export class ThumbnailObserver {
  private observer: IntersectionObserver | null = null;

  constructor(private readonly cache: ThumbnailCache) {
    if (typeof IntersectionObserver !== "undefined") {
      this.observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          const el = entry.target as HTMLElement;
          this.observer!.unobserve(el);
          this.load(el);
        }
      });
    }
  }

  /** A new placeholder for the photo at `path`: filled now if known, else when it shows. */
  attach(el: HTMLElement, path: string) {
    el.dataset.path = path;
    const known = this.cache.peek(path);
    if (known !== undefined) this.fill(el, known);
    else if (this.observer) this.observer.observe(el);
    else this.load(el);
  }

  /** Stops watching the placeholders inside `root` (its event was removed). */
  detach(root: HTMLElement) {
    if (!this.observer) return;
    for (const el of root.querySelectorAll<HTMLElement>(".herald-thumb[data-path]")) this.observer.unobserve(el);
  }

  disconnect() {
    this.observer?.disconnect();
  }

  private load(el: HTMLElement) {
    const path = el.dataset.path!;
    this.cache.get(path).then((url) => this.fill(el, url));
  }

  private fill(el: HTMLElement, url: string | null) {
    if (url) {
      el.style.backgroundImage = `url("${url}")`;
      el.dataset.loaded = "";
    } else {
      // No preview (unreadable file): a plain photo glyph.
      el.dataset.kind = "none";
    }
  }
}

/** The post behind an event. */
export function postOf(event: { extendedProps: Record<string, unknown> }): PostView {
  return event.extendedProps.post as PostView;
}

export function createPostContent(thumbnails: ThumbnailObserver) {
  return function renderPostContent(info: EventDisplayInfo): { domNodes: Node[] } {
    const post = postOf(info.event) as PostView | undefined;
    const root = span("herald-post-content");
    // A draft dragged in from the sidebar: FullCalendar draws it before it is a post here.
    if (!post) {
      root.dataset.layout = "line";
      if (info.timeText) root.append(span("herald-post-time", info.timeText));
      root.append(span("herald-post-title", info.event.title));
      return { domNodes: [root] };
    }
    const status = info.event.extendedProps.status as PostStatus;
    // One line everywhere (week/day blocks are only half an hour tall); the list has room for the accounts.
    root.dataset.layout = info.view.type.startsWith("list") ? "list" : "line";

    const avatar = postAvatar(post);
    root.style.setProperty("--avatar", avatar.color);
    const badgeEl = span("herald-avatar", avatar.initials);
    badgeEl.title = avatar.label;
    badgeEl.setAttribute("aria-hidden", "true");
    if (avatar.more > 0) badgeEl.dataset.more = `+${avatar.more}`;
    root.append(badgeEl);

    const preview = postPreview(post);
    if (preview) {
      const thumb = span("herald-thumb");
      thumb.dataset.kind = preview.kind;
      thumb.setAttribute("aria-hidden", "true");
      if (preview.kind === "image") thumbnails.attach(thumb, preview.path);
      root.append(thumb);
      root.dataset.thumb = "";
    }

    if (info.timeText) root.append(span("herald-post-time", info.timeText));
    root.append(span("herald-post-title", info.event.title));
    if (root.dataset.layout === "list") root.append(span("herald-post-accounts", avatar.label));

    const badge = span("herald-status-badge", status === "publishing" ? "" : STATUS_GLYPHS[status]);
    badge.dataset.status = status;
    // While a video uploads, the badge says how far it has got.
    const uploading = post.targets.map(uploadLine).find((line) => line !== null);
    badge.title = uploading ? uploading.text : STATUS_LABELS[status];
    badge.setAttribute("role", "img");
    badge.setAttribute("aria-label", badge.title);
    root.append(badge);
    return { domNodes: [root] };
  };
}

/** What a screen reader says for an event: time, title, status, accounts. */
export function eventLabel(info: Pick<EventDisplayInfo, "event" | "timeText">): string {
  const post = postOf(info.event);
  const status = STATUS_LABELS[info.event.extendedProps.status as PostStatus];
  const parts = [info.timeText, info.event.title, status, postAvatar(post).label];
  if (post.media[0]?.kind === "video") parts.push("video");
  if (info.event.extendedProps.locked) parts.push("can't be moved");
  return parts.filter(Boolean).join(", ");
}
