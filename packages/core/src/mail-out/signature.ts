import { htmlToText, sanitizeMessageHtml } from "../html/sanitize.ts";

export type SignatureValues = {
  agent: { first_name: string; last_name: string; email: string };
  inbox: { name: string };
  /** The conversation's contact, when the signature is for a reply in one. */
  customer?: { first_name: string; last_name: string } | undefined;
};

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * A signature template (HTML) with `{{agent.first_name}}`, `{{agent.last_name}}`, `{{agent.full_name}}`,
 * `{{agent.email}}`, `{{inbox.name}}`, `{{customer.first_name}}` and `{{customer.last_name}}` filled in
 * (values HTML-escaped; unknown placeholders become empty), then sanitised like any message HTML. "" when none.
 */
export function renderSignature(template: string | undefined, values: SignatureValues): string {
  if (!template?.trim()) return "";
  const known: Record<string, string> = {
    "agent.first_name": values.agent.first_name,
    "agent.last_name": values.agent.last_name,
    "agent.full_name": `${values.agent.first_name} ${values.agent.last_name}`.trim(),
    "agent.email": values.agent.email,
    "inbox.name": values.inbox.name,
    "customer.first_name": values.customer?.first_name ?? "",
    "customer.last_name": values.customer?.last_name ?? "",
  };
  const filled = template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => escapeHtml(known[name] ?? ""));
  return sanitizeMessageHtml(filled);
}

/**
 * The signature of a reply, as LibreDesk composes it: the agent's own signature (`PUT /agents/me/signature`)
 * above the inbox's (`config.signature`), both rendered with the same values. "" when neither is set. The
 * one composition behind `GET /inboxes/{id}/signature` (the reply box) and outgoing mail (compose.ts).
 */
export function composeSignature(
  templates: { agent?: string | undefined; inbox?: string | undefined },
  values: SignatureValues,
): string {
  return [renderSignature(templates.agent, values), renderSignature(templates.inbox, values)]
    .filter(Boolean)
    .join("<br><br>");
}

/** Whether `html` already carries `signature` (the LibreDesk UI puts it into the editor): compared as text. */
export function containsSignature(html: string, signature: string): boolean {
  const flat = (s: string) => htmlToText(s).replace(/\s+/g, " ").trim();
  const sig = flat(signature);
  return sig !== "" && flat(html).includes(sig);
}
