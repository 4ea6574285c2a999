import type { IncomingMail } from "./parse.ts";

/**
 * What kind of mail this is, for loop prevention:
 * - `bounce`: a delivery status notification (multipart/report; report-type=delivery-status) or mail from
 *   MAILER-DAEMON / postmaster.
 * - `auto_reply`: `Auto-Submitted` other than `no`, `Precedence: bulk|junk|list|auto_reply`, `X-Autoreply`,
 *   `X-Autorespond` (out-of-office replies, list and bulk mail).
 * - `mail`: everything else.
 */
export type MailKind = "mail" | "auto_reply" | "bounce";

const SYSTEM_SENDERS = /^(?:mailer-daemon|postmaster)$/i;
const AUTOMATIC_PRECEDENCE = ["bulk", "junk", "list", "auto_reply"];

export function classifyMail(mail: IncomingMail): MailKind {
  if (mail.isDsn) return "bounce";
  const local = mail.from?.address.split("@")[0] ?? "";
  if (SYSTEM_SENDERS.test(local)) return "bounce";
  const header = (name: string) => {
    const value = mail.headers.get(name);
    if (value === undefined || value === null) return undefined;
    return (
      typeof value === "string"
        ? value
        : typeof value === "object" && "value" in value
          ? String(value.value)
          : String(value)
    )
      .trim()
      .toLowerCase();
  };
  const autoSubmitted = header("auto-submitted");
  if (autoSubmitted !== undefined && autoSubmitted !== "" && !autoSubmitted.startsWith("no")) return "auto_reply";
  const precedence = header("precedence");
  if (precedence && AUTOMATIC_PRECEDENCE.includes(precedence)) return "auto_reply";
  if (header("x-autoreply") !== undefined || header("x-autorespond") !== undefined) return "auto_reply";
  return "mail";
}
