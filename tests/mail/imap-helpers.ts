// Shared by the tests/mail/imap-*.test.ts suites: a Dovecot-backed email inbox, fixture loading, polling.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pollInbox, type PollOptions } from "@helperiq/core/mail-in/poll";
import type { ImapServer } from "@helperiq/core/inbox/email-config";
import type { TestApp } from "../support/app.ts";
import type { Dovecot } from "../support/dovecot.ts";
import { createEmailInbox, type EmailInboxOptions } from "../support/email-inbox.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/mail");

let seq = 0;

export type MailInbox = { inbox: Awaited<ReturnType<typeof createEmailInbox>>; server: ImapServer; address: string };

/** A Dovecot user and an email inbox of `tenantId` reading its mailbox. */
export async function mailInbox(
  t: TestApp,
  dovecot: Dovecot,
  tenantId: number,
  opts: EmailInboxOptions & { mailbox?: string } = {},
): Promise<MailInbox> {
  const server = await dovecot.addUser({ mailbox: opts.mailbox ?? "INBOX" });
  const address = `support${++seq}@acme.test`;
  const inbox = await createEmailInbox(t, tenantId, { from: `Acme Support <${address}>`, imap: [server], ...opts });
  return { inbox, server, address };
}

/** A fixture from tests/fixtures/mail with its `{{NAME}}` placeholders filled in; bytes are kept as they are. */
export function fixture(name: string, vars: Record<string, string> = {}): Buffer {
  const raw = readFileSync(path.join(FIXTURES, name)).toString("latin1");
  const filled = raw.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => vars[key] ?? whole);
  if (/\{\{[A-Z_]+\}\}/.test(filled))
    throw new Error(`fixture ${name}: unfilled placeholder in ${filled.match(/\{\{[A-Z_]+\}\}/)![0]}`);
  return Buffer.from(filled, "latin1");
}

/** A plain RFC 5322 text message. */
export function simpleMail(m: {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  body?: string;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
}): string {
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: Tue, 24 Nov 2026 09:00:00 +0000`,
    `Message-ID: ${m.messageId}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references ? [`References: ${m.references}`] : []),
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    m.body ?? "Hello, I need help.",
    "",
  ];
  return lines.join("\r\n");
}

/** One poll of `inbox` with the app's job dependencies (the real imapflow adapter). */
export function poll(t: TestApp, inbox: { id: number; tenantId: number }, opts?: PollOptions) {
  return pollInbox(t.jobs, inbox.tenantId, inbox.id, opts);
}
