import type { Conversation, Me } from "../../api/index.ts";
import { escapeHtml } from "./html.ts";

const fullName = (first: string, last: string) => `${first} ${last}`.trim();

/**
 * The placeholders a macro may use (core/macro/template.ts TEMPLATE_VARIABLES: the server refuses any other
 * name when the macro is saved); the admin's macro editor offers these.
 */
export const PLACEHOLDER_NAMES = [
  "contact.first_name",
  "contact.last_name",
  "contact.full_name",
  "contact.email",
  "agent.first_name",
  "agent.last_name",
  "agent.full_name",
  "agent.email",
  "conversation.reference_number",
  "conversation.subject",
  "inbox.name",
] as const;
export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];

/** The values of the placeholders, for this conversation and the signed-in agent. */
export function placeholderValues(conversation: Conversation, me: Me | null): Record<PlaceholderName, string> {
  const contact = conversation.contact;
  return {
    "contact.first_name": contact.first_name,
    "contact.last_name": contact.last_name,
    "contact.full_name": fullName(contact.first_name, contact.last_name),
    "contact.email": contact.email ?? "",
    "agent.first_name": me?.first_name ?? "",
    "agent.last_name": me?.last_name ?? "",
    "agent.full_name": fullName(me?.first_name ?? "", me?.last_name ?? ""),
    "agent.email": me?.email ?? "",
    "conversation.reference_number": String(conversation.reference_number),
    "conversation.subject": conversation.subject,
    "inbox.name": conversation.inbox_name,
  };
}

/**
 * A macro's HTML with each `{{ name }}` replaced by its value, HTML-escaped (a contact's name is text,
 * never markup). An unknown name becomes empty, as the server renders signatures.
 */
export function fillPlaceholders(html: string, values: Record<string, string>): string {
  return html.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => escapeHtml(values[name] ?? ""));
}
