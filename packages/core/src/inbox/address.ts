import { z } from "zod";

const plainEmail = z.email();

/**
 * A mailbox as written in a From/Reply-To header: `support@example.com`, `Support <support@example.com>` or
 * `"Acme, Support" <support@example.com>`. Returns the address part, or undefined when the text is not one.
 */
export function mailboxAddress(text: string): string | undefined {
  const value = text.trim();
  const named = /^(?:"(?:[^"\\\r\n]|\\.)*"|[^"<>\r\n]*)\s*<([^<>\s]+)>$/.exec(value);
  const address = named ? named[1]! : value;
  return plainEmail.safeParse(address).success ? address : undefined;
}

/** zod: a mailbox with an optional display name, trimmed. */
export const mailbox = z
  .string()
  .trim()
  .max(320)
  .refine(
    (v) => mailboxAddress(v) !== undefined,
    "must be an email address, optionally with a display name (Support <support@example.com>)",
  );
