import DOMPurify from "dompurify";
import type { Attachment, Message } from "../../api/index.ts";
import { extractQuotedHtml } from "./quotedHtml.ts";
import { splitQuotedText } from "./quotedText.ts";

/**
 * A message's content as the thread shows it: the part to read and the trailing quote to fold.
 *
 * HTML is the API's sanitised HTML, sanitised here once more with DOMPurify (defence in depth: a bug in
 * either sanitiser alone lets nothing through), then:
 * - links open in a new tab, with rel=noopener noreferrer;
 * - images of our own uploads (`/uploads/{uuid}`, how inline mail parts and pasted images are stored) load
 *   through the message's signed attachment URL, and count as shown in place (`inline`);
 * - images from anywhere else are not loaded: the page's CSP allows images from this origin only (no
 *   tracking pixels, no viewer's address leaked to a sender), so each becomes a link to open it instead.
 */
export type RenderedBody =
  | { kind: "html"; main: string; quoted: string; inline: Set<string> }
  | { kind: "text"; main: string; quoted: string; inline: Set<string> };

export type BodyLabels = { remoteImage: (alt: string) => string };

const purify = DOMPurify(window);
/** Schemes a link or image may keep; relative URLs only as our own upload paths. */
const ALLOWED_URI = /^(?:https?:\/\/|mailto:|\/uploads\/)/i;
const CONFIG = {
  ALLOWED_URI_REGEXP: ALLOWED_URI,
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "svg", "math"],
  FORBID_ATTR: ["style", "class", "id"],
};

purify.addHook("afterSanitizeAttributes", (node) => {
  if (node.nodeName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

const UPLOAD_PATH = /^\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The upload uuid an image source names, if it is one of ours (relative, or absolute on this origin). */
export function uploadUuidOf(src: string): string | null {
  let url: URL;
  try {
    url = new URL(src, window.location.origin);
  } catch {
    return null;
  }
  if (url.origin !== window.location.origin) return null;
  return UPLOAD_PATH.exec(url.pathname)?.[1]?.toLowerCase() ?? null;
}

function serialise(fragment: DocumentFragment): string {
  const box = document.createElement("div");
  box.append(fragment);
  // Sanitised again after the DOM edits above, so what reaches v-html is always DOMPurify's own output.
  return purify.sanitize(box.innerHTML, CONFIG);
}

function renderHtml(html: string, files: Attachment[], labels: BodyLabels, fold: boolean): RenderedBody {
  const root = purify.sanitize(html, { ...CONFIG, RETURN_DOM_FRAGMENT: true });
  const byUuid = new Map(files.map((f) => [f.uuid.toLowerCase(), f]));
  const inline = new Set<string>();
  for (const img of root.querySelectorAll("img")) {
    const src = img.getAttribute("src") ?? "";
    const uuid = uploadUuidOf(src);
    if (uuid) {
      const file = byUuid.get(uuid);
      if (file) img.setAttribute("src", file.url);
      inline.add(uuid);
      if (!img.hasAttribute("alt")) img.setAttribute("alt", file?.filename ?? "");
      continue;
    }
    const link = document.createElement("a");
    link.textContent = labels.remoteImage(img.getAttribute("alt") ?? "");
    if (/^https?:\/\//i.test(src)) {
      link.href = src;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
    img.replaceWith(link);
  }
  const quoted = fold ? extractQuotedHtml(root) : null;
  return { kind: "html", main: serialise(root), quoted: quoted ? serialise(quoted) : "", inline };
}

/** `fold`: look for a trailing quote (mail, not notes or activity lines). */
export function renderBody(message: Message, labels: BodyLabels, fold: boolean): RenderedBody {
  if (message.content_type === "html") return renderHtml(message.content, message.attachments, labels, fold);
  const { main, quoted } = fold ? splitQuotedText(message.content) : { main: message.content, quoted: "" };
  return { kind: "text", main, quoted, inline: new Set() };
}
