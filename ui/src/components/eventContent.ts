// The inside of one post on the calendar: [platform dot] time, title, status badge.
import type { EventDisplayInfo } from "fullcalendar";
import { STATUS_GLYPHS, STATUS_LABELS, type PostStatus } from "../lib/posts";

function span(className: string, text = ""): HTMLSpanElement {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}

export function renderPostContent(info: EventDisplayInfo): { domNodes: Node[] } {
  const status = info.event.extendedProps.status as PostStatus;
  const root = span("herald-post-content");
  // Month cells show posts as list items: a dot in the platform colour, no background.
  if (info.view.type.startsWith("dayGrid")) root.append(span("herald-post-dot"));
  if (info.timeText) root.append(span("herald-post-time", info.timeText));
  root.append(span("herald-post-title", info.event.title));

  const badge = span("herald-status-badge", STATUS_GLYPHS[status]);
  badge.dataset.status = status;
  badge.title = STATUS_LABELS[status];
  badge.setAttribute("aria-label", STATUS_LABELS[status]);
  root.append(badge);
  return { domNodes: [root] };
}
