import type { Conversation, Message } from "../../api/index.ts";
import { escapeHtml } from "./html.ts";

/** The thread's latest customer-visible message (incoming or a sent reply), which a forward quotes. */
export function lastVisibleMessage(messages: readonly Message[]): Message | undefined {
  return [...messages].reverse().find((m) => !m.private && (m.type === "incoming" || m.type === "outgoing"));
}

/**
 * The editor's starting content for a forward: an empty line to write in, then the quoted message under a
 * header naming who wrote it and when. `labels` are the translated header words.
 */
export function forwardQuote(
  conversation: Conversation,
  message: Message,
  labels: { header: string; from: string; date: string; subject: string },
  sender: string,
  date: string,
): string {
  const body = message.content_type === "html" ? message.content : `<p>${escapeHtml(message.content)}</p>`;
  return (
    "<p></p>" +
    `<p>${escapeHtml(labels.header)}<br>` +
    `${escapeHtml(labels.from)}: ${escapeHtml(sender)}<br>` +
    `${escapeHtml(labels.date)}: ${escapeHtml(date)}<br>` +
    `${escapeHtml(labels.subject)}: ${escapeHtml(conversation.subject)}</p>` +
    `<blockquote>${body}</blockquote>`
  );
}
