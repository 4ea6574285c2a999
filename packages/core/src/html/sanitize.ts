import sanitizeHtml from "sanitize-html";
import { isCanonicalMediaPath } from "../media/url.ts";

/**
 * Message HTML allowed into storage and back out to agents: formatting, links, images,
 * tables, lists, quotes and code. Scripts, styles, frames, objects, event handlers, inline styles, any
 * URL scheme other than the listed ones and any relative URL but a canonical upload path are dropped.
 */
const ALLOWED_TAGS = [
  ...["p", "br", "div", "span", "hr", "h1", "h2", "h3", "h4", "h5", "h6"],
  ...["b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "sub", "sup", "small", "mark", "abbr"],
  ...["a", "img", "ul", "ol", "li", "blockquote", "pre", "code"],
  ...["table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col"],
];

const CELL = ["colspan", "rowspan", "align", "valign", "width"];

/**
 * URLs kept in links and images (attribute values arrive entity-decoded). An absolute http(s) URL needs
 * `//` and a host: `https:../x` and `https:/x` resolve against the page showing the message, like any
 * relative URL. The only URLs of our own origin kept are canonical upload paths (isCanonicalMediaPath), so
 * an image cannot make the viewer's browser call another route of the app with their session.
 */
const ABSOLUTE_HTTP = /^https?:\/\/[^/\\\s]/i;
const keptHref = (url: string) => ABSOLUTE_HTTP.test(url) || /^mailto:/i.test(url) || isCanonicalMediaPath(url);
/** Inline images: absolute http(s) URLs, our own uploads, or a part of the email they came in (cid:). */
const keptImageSrc = (url: string) => ABSOLUTE_HTTP.test(url) || /^cid:\S/i.test(url) || isCanonicalMediaPath(url);

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ["href", "title", "target", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    ol: ["start", "type"],
    td: CELL,
    th: [...CELL, "scope"],
    col: ["span", "width"],
    colgroup: ["span", "width"],
    table: ["border", "cellpadding", "cellspacing", "width"],
    abbr: ["title"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https", "cid"] },
  allowProtocolRelative: false,
  // Dropped tags lose their markup; script/style/textarea/noscript lose their content too (nonTextTags).
  disallowedTagsMode: "discard",
  nonTextTags: [
    "script",
    "style",
    "textarea",
    "option",
    "noscript",
    "iframe",
    "object",
    "embed",
    "template",
    "title",
    "head",
  ],
  transformTags: {
    a: (tagName, attribs) => {
      const { target, href, ...rest } = attribs;
      const kept = href?.trim();
      return {
        tagName,
        attribs: {
          ...(kept && keptHref(kept) ? { href: kept } : {}),
          ...rest,
          ...(target === "_blank" ? { target } : {}),
          rel: "noopener noreferrer",
        },
      };
    },
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      const kept = src?.trim();
      return { tagName, attribs: kept && keptImageSrc(kept) ? { src: kept, ...rest } : rest };
    },
  },
  // An image whose source was refused is dropped entirely.
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
};

/** Sanitises message HTML for storage and rendering. Idempotent. */
export function sanitizeMessageHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

const BLOCK_BOUNDARY = /<\/?(?:p|div|br|hr|h[1-6]|li|ul|ol|tr|td|th|table|blockquote|pre|caption)\b[^>]*>/gi;

/**
 * Plain text of message HTML: tags stripped (with a space where a block ends), entities decoded and
 * whitespace collapsed. Script and style contents never appear.
 */
export function htmlToText(html: string): string {
  const spaced = sanitizeHtml(html, OPTIONS).replace(BLOCK_BOUNDARY, " $&");
  // With no tags allowed sanitize-html returns decoded text re-escaped for these characters only.
  const escaped = sanitizeHtml(spaced, { allowedTags: [], allowedAttributes: {}, nonTextTags: OPTIONS.nonTextTags! });
  return escaped
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** Stored content and text of agent-written HTML. */
export function cleanMessage(html: string): { content: string; textContent: string } {
  const content = sanitizeMessageHtml(html);
  return { content, textContent: htmlToText(content) };
}

/** The conversation list's preview of a message. */
export const PREVIEW_LENGTH = 200;
export const previewOf = (text: string) =>
  text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
