import type { Keyring } from "../crypto/secret-box.ts";
import { iso } from "../db/iso.ts";
import type { EmailConfig } from "./email-config.ts";
import type { inboxes } from "./inbox.sql.ts";
import { normalizeLivechatConfig } from "./livechat-config.ts";
import { SECRET_MASK } from "../crypto/secret-box.ts";
import { secretsForView } from "./secrets.ts";

export type InboxRow = typeof inboxes.$inferSelect;

const shown = (set: boolean) => (set ? SECRET_MASK : "");

/**
 * The API's view of an inbox. Secrets are only ever shown masked (`••••••••` when set, "" when not); the
 * one exception is `revealSiteSecret`, the site secret the server generated, shown once in the create response.
 */
export function inboxView(ring: Keyring, row: InboxRow, revealSiteSecret?: string) {
  const secrets = secretsForView(ring, row.secrets);
  const isSet = (value: string | undefined) => !!value || !!secrets.unreadable;
  let config: Record<string, unknown>;
  if (row.channel === "email") {
    const stored = row.config as Partial<EmailConfig>;
    config = {
      ...stored,
      from: row.from,
      imap: (stored.imap ?? []).map((server, i) => ({ ...server, password: shown(isSet(secrets.imap?.[i])) })),
      smtp: (stored.smtp ?? []).map((server, i) => ({ ...server, password: shown(isSet(secrets.smtp?.[i])) })),
    };
  } else {
    config = {
      ...normalizeLivechatConfig(row.config),
      site_secret: revealSiteSecret ?? shown(isSet(secrets.site_secret)),
    };
  }
  return {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    channel: row.channel,
    enabled: row.enabled,
    from: row.from,
    csat_enabled: row.csatEnabled,
    config,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type InboxView = ReturnType<typeof inboxView>;
