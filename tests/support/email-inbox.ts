import { seal } from "@helperiq/core/crypto/secret-box";
import type { EmailConfig, ImapServer, SmtpServer, StoredSecrets } from "@helperiq/core/inbox/email-config";
import { inboxes } from "@helperiq/core/schema";
import type { TestApp } from "./app.ts";

export type EmailInboxOptions = {
  name?: string;
  /** The inbox address (`inboxes.from`), e.g. `Support <support@acme.test>`. */
  from?: string;
  imap?: ImapServer[];
  smtp?: SmtpServer[];
  enabled?: boolean;
  /** Any other `config` field (aliases, reply_to, enable_plus_addressing, signature…). */
  config?: Partial<Omit<EmailConfig, "imap" | "smtp">>;
};

let seq = 0;

/**
 * An email inbox row exactly as the inbox API stores it (packages/core/src/inbox/email-config.ts):
 * `config` without passwords, the passwords sealed with the app's keyring in `secrets`.
 */
export async function createEmailInbox(t: TestApp, tenantId: number, opts: EmailInboxOptions = {}) {
  const imap = opts.imap ?? [];
  const smtp = opts.smtp ?? [];
  const config: EmailConfig = {
    auth_type: "password",
    reply_to: "",
    aliases: [],
    signature: "",
    auto_assign_on_reply: false,
    enable_plus_addressing: false,
    skip_pci_scan: false,
    ...opts.config,
    imap: imap.map(({ password: _, ...server }) => server),
    smtp: smtp.map(({ password: _, ...server }) => server),
  };
  const secrets: StoredSecrets = { imap: imap.map((s) => s.password), smtp: smtp.map((s) => s.password) };
  const [row] = await t.database.db
    .insert(inboxes)
    .values({
      tenantId,
      name: opts.name ?? `Email inbox ${++seq}`,
      channel: "email",
      enabled: opts.enabled ?? true,
      from: opts.from ?? `support${seq}@acme.test`,
      config,
      secrets: seal(t.secrets, JSON.stringify(secrets)),
    })
    .returning();
  return row!;
}
