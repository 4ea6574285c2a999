import type { SmtpServer } from "../inbox/email-config.ts";

/** One file of an outgoing email: an attachment, or an inline image when `contentId` is set. */
export type ChannelAttachment = {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** Content-ID without angle brackets; the HTML refers to it as `cid:<contentId>`. */
  contentId?: string | undefined;
};

/** A fully addressed email, as the delivery job built it (packages/core/src/mail-out/compose.ts). */
export type ChannelMail = {
  /** The sender; `name` is the display name (may be empty). */
  from: { name: string; address: string };
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string | undefined;
  subject: string;
  /** `<id@domain>`, RFC form. */
  messageId: string;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  html: string;
  text: string;
  attachments: ChannelAttachment[];
};

/** What the SMTP server said: the recipients it accepted and refused (RCPT TO), and its final reply. */
export type ChannelSendResult = { accepted: string[]; rejected: string[]; response: string };

/**
 * A send the server did not accept. `permanent`: retrying the same mail cannot help (5xx replies, every
 * recipient refused, authentication refused); otherwise (connection refused, timeouts, 4xx) it may.
 */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly rejected: string[] = [],
  ) {
    super(message);
    this.name = "ChannelSendError";
  }
}

/**
 * Sends an inbox's mail through one of its SMTP servers (nodemailer, pooled per server:
 * packages/adapters/src/mail/inbox-transport.ts). Rejects with ChannelSendError.
 */
export interface ChannelMailer {
  send(server: SmtpServer, mail: ChannelMail): Promise<ChannelSendResult>;
}
