import type { Mailer } from "@helperiq/core/port/index";

/**
 * The embedded default when no SMTP server is configured: system mail is written to the server log, so
 * a password-reset link can still be followed on a local install. Configure SMTP_URL to really send.
 */
export function createConsoleMailer(log: (line: string) => void = console.log): Mailer {
  return {
    async send(mail) {
      log(`[mail] (not sent: SMTP_URL is not set) to=${mail.to} subject=${JSON.stringify(mail.subject)}\n${mail.text}`);
    },
  };
}
