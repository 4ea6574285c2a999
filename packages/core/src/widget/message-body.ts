import { InputError } from "../errors/index.ts";
import { cleanMessage } from "../html/sanitize.ts";

/** LibreDesk's limit on a chat message. */
export const MAX_WIDGET_MESSAGE_LENGTH = 10_000;

const escapeHtml = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

/**
 * What a visitor typed (plain text) as stored message HTML: escaped, blank lines as paragraphs, single line
 * breaks kept, then through the same sanitiser as every stored message. Nothing a visitor types is markup.
 */
export function widgetMessageBody(text: string, field = "message"): { content: string; textContent: string } {
  const trimmed = text.replace(/\r\n?/g, "\n").trim();
  if (!trimmed) throw new InputError(`${field}: required`);
  if (trimmed.length > MAX_WIDGET_MESSAGE_LENGTH)
    throw new InputError(`${field}: at most ${MAX_WIDGET_MESSAGE_LENGTH} characters`);
  const html = trimmed
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>")}</p>`)
    .join("");
  return cleanMessage(html);
}
