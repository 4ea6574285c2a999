import type { ImapServer, SmtpServer } from "../inbox/email-config.ts";

/** The short message a "send test" sends to prove the server delivers: plain text, no attachments. */
export type ProbeMessage = { from: string; to: string; subject: string; text: string };

/** How a connection test ended: its round trip, or a reason a person can act on. */
export type ProbeOutcome = { ok: true; latencyMs: number } | { ok: false; reason: string };

/**
 * Tries an inbox's mail server the way the poller and the sender will use it (imapflow / nodemailer in
 * packages/adapters/src/mail/probe.ts), within a short timeout. Never throws for a server-side failure:
 * refused connections, failed TLS handshakes, rejected logins and missing folders are outcomes.
 */
export interface MailProbe {
  /** Connects, logs in and opens `server.mailbox` read-only. */
  imap(server: ImapServer): Promise<ProbeOutcome>;
  /**
   * Connects, says EHLO, upgrades to TLS as configured and authenticates when a username is set; with
   * `message`, then sends it (a refused sender or recipient is an outcome like the rest).
   */
  smtp(server: SmtpServer, message?: ProbeMessage): Promise<ProbeOutcome>;
}
