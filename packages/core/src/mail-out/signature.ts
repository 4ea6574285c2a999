import { sanitizeMessageHtml } from "../message/sanitize.ts";

export type SignatureValues = {
  agent: { first_name: string; last_name: string; email: string };
  inbox: { name: string };
};

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The inbox's signature template (`config.signature`, HTML) with `{{agent.first_name}}`,
 * `{{agent.last_name}}`, `{{agent.full_name}}`, `{{agent.email}}` and `{{inbox.name}}` filled in (values
 * HTML-escaped; unknown placeholders become empty), then sanitised like any message HTML. "" when none.
 */
export function renderSignature(template: string | undefined, values: SignatureValues): string {
  if (!template?.trim()) return "";
  const known: Record<string, string> = {
    "agent.first_name": values.agent.first_name,
    "agent.last_name": values.agent.last_name,
    "agent.full_name": `${values.agent.first_name} ${values.agent.last_name}`.trim(),
    "agent.email": values.agent.email,
    "inbox.name": values.inbox.name,
  };
  const filled = template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => escapeHtml(known[name] ?? ""));
  return sanitizeMessageHtml(filled);
}
