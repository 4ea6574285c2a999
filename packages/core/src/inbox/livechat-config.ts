import { and, eq, isNull } from "drizzle-orm";
import type { Keyring } from "../crypto/secret-box.ts";
import type { Db } from "../port/database.ts";
import { livechatConfigInput, type LivechatConfigInput } from "./config-schema.ts";
import { readSecrets } from "./email-config.ts";
import { inboxes } from "./inbox.sql.ts";

/**
 * `config` of a live-chat inbox as stored (and returned, plus `site_secret` masked). The widget reads it:
 * `allowed_domains` are host patterns (`example.com`, `*.example.com`, `localhost:3000`; empty = any site),
 * `launcher` and the other appearance fields style it, `prechat_form` asks the visitor before a chat starts.
 * The site secret (HMAC key of the site-signed JWTs the widget exchanges) is `StoredSecrets.site_secret`.
 */
export type LivechatConfig = Omit<LivechatConfigInput, "site_secret">;

/** An enabled live-chat inbox with its site secret unsealed: what the widget API works from. */
export type LivechatInbox = {
  id: number;
  uuid: string;
  tenantId: number;
  name: string;
  csatEnabled: boolean;
  config: LivechatConfig;
  /** Empty when none is stored (inboxes created before site secrets existed). */
  siteSecret: string;
};

/** Stored config with the defaults of fields it lacks (rows written by older versions). */
export function normalizeLivechatConfig(stored: unknown): LivechatConfig {
  const parsed = livechatConfigInput.safeParse(stored ?? {});
  const { site_secret: _, ...config } = parsed.success ? parsed.data : livechatConfigInput.parse({});
  return config;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The live-chat inbox `inboxUuid`, within `tenantId` when given (the widget addresses inboxes by uuid only,
 * so without a tenant any workspace's inbox is found); undefined if missing, deleted, disabled or not live chat.
 */
export async function readLivechatInbox(
  db: Db,
  ring: Keyring,
  tenantId: number | undefined,
  inboxUuid: string,
): Promise<LivechatInbox | undefined> {
  if (!UUID.test(inboxUuid)) return undefined;
  const [row] = await db
    .select()
    .from(inboxes)
    .where(
      and(
        eq(inboxes.uuid, inboxUuid),
        tenantId === undefined ? undefined : eq(inboxes.tenantId, tenantId),
        isNull(inboxes.deletedAt),
      ),
    );
  if (row?.channel !== "livechat" || !row.enabled) return undefined;
  return {
    id: row.id,
    uuid: row.uuid,
    tenantId: row.tenantId,
    name: row.name,
    csatEnabled: row.csatEnabled,
    config: normalizeLivechatConfig(row.config),
    siteSecret: readSecrets(ring, row.secrets).site_secret ?? "",
  };
}
