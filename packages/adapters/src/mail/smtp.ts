import type { Mailer } from "@helperiq/core/port/index";
import { createTransport } from "nodemailer";

export type SmtpMailerOptions = {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; nodemailer's URL options apply. */
  url: string;
  /** Default sender, e.g. `HelperIQ <no-reply@example.com>`. */
  from: string;
};

/**
 * System mail over SMTP through a connection pool (idle connections close after a few minutes). A failed
 * delivery rejects `send()`: the caller decides whether that is fatal. SMTP_URL is the operator's choice,
 * not a workspace's, so it is not checked by the outbound guard (a self-hoster's relay on localhost is fine).
 */
export function createSmtpMailer({ url, from }: SmtpMailerOptions): Mailer & { close(): void } {
  const transport = createTransport({ url, pool: true }, { from });
  return {
    async send(mail) {
      await transport.sendMail({
        from: mail.from ?? from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html !== undefined ? { html: mail.html } : {}),
      });
    },
    close: () => transport.close(),
  };
}
