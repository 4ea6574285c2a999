import type { Keyring } from "../crypto/secret-box.ts";
import { iso } from "../db/iso.ts";
import type { EmailConfig, ImapServer, SmtpServer } from "./email-config.ts";
import type { inboxes } from "./inbox.sql.ts";
import { type LivechatConfig, normalizeLivechatConfig } from "./livechat-config.ts";
import { SECRET_MASK } from "../crypto/secret-box.ts";
import { secretsForView } from "./secrets.ts";

export type InboxRow = typeof inboxes.$inferSelect;

const shown = (set: boolean) => (set ? SECRET_MASK : "");

/**
 * What an email inbox's config answers for a key its stored row lacks (a row written before the key existed, or
 * by an import): the same defaults the API's input applies, so every answer has the declared shape.
 */
const EMAIL_CONFIG_DEFAULTS: Omit<EmailConfig, "imap" | "smtp"> = {
  auth_type: "password",
  reply_to: "",
  aliases: [],
  signature: "",
  auto_assign_on_reply: false,
  enable_plus_addressing: false,
  skip_pci_scan: false,
};

/** An email inbox's config as answered: each server with its password masked, and the inbox's From address. */
export type EmailConfigView = Omit<EmailConfig, "imap" | "smtp"> & {
  from: string;
  imap: ImapServer[];
  smtp: SmtpServer[];
};
/** A live-chat inbox's config as answered: the site secret masked (shown once, when generated). */
export type LivechatConfigView = LivechatConfig & { site_secret: string };

/**
 * The API's view of an inbox. Secrets are only ever shown masked (`••••••••` when set, "" when not); the
 * one exception is `revealSiteSecret`, the site secret the server generated, shown once in the create response.
 */
export function inboxView(ring: Keyring, row: InboxRow, revealSiteSecret?: string) {
  const secrets = secretsForView(ring, row.secrets);
  const isSet = (value: string | undefined) => !!value || !!secrets.unreadable;
  const base = {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    enabled: row.enabled,
    from: row.from,
    csat_enabled: row.csatEnabled,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
  if (row.channel === "email") {
    const stored = row.config as EmailConfig;
    const config: EmailConfigView = {
      ...EMAIL_CONFIG_DEFAULTS,
      ...stored,
      from: row.from,
      imap: (stored.imap ?? []).map((server, i) => ({ ...server, password: shown(isSet(secrets.imap?.[i])) })),
      smtp: (stored.smtp ?? []).map((server, i) => ({ ...server, password: shown(isSet(secrets.smtp?.[i])) })),
    };
    return { ...base, channel: "email" as const, config };
  }
  const config: LivechatConfigView = {
    ...normalizeLivechatConfig(row.config),
    site_secret: revealSiteSecret ?? shown(isSet(secrets.site_secret)),
  };
  return { ...base, channel: "livechat" as const, config };
}
export type InboxView = ReturnType<typeof inboxView>;
