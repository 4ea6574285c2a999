import { and, eq, isNull } from "drizzle-orm";
import { unseal, type Keyring } from "../crypto/secret-box.ts";
import type { Db } from "../port/database.ts";
import { inboxes } from "./inbox.sql.ts";

/**
 * How an email inbox is stored. `inboxes.config` holds everything but secrets (returned by the API with
 * passwords masked); `inboxes.secrets` is the sealed JSON `StoredSecrets`, whose password arrays line up
 * index by index with `config.imap` / `config.smtp`. Live-chat inboxes keep `site_secret` there.
 */
export type TlsMode = "none" | "starttls" | "tls";

export type ImapServer = {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
  password: string;
  mailbox: string;
  /** Poll interval as a duration string ("5m"); the scheduler never polls more often than its own period. */
  read_interval: string;
  /** Test servers with self-signed certificates only. */
  tls_skip_verify: boolean;
};

export type SmtpServer = {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
  password: string;
  max_conns: number;
  tls_skip_verify: boolean;
};

/** `config` of an email inbox as stored (and returned, with `password` masked per server). */
export type EmailConfig = {
  auth_type: "password" | "oauth";
  imap: Omit<ImapServer, "password">[];
  smtp: Omit<SmtpServer, "password">[];
  reply_to: string;
  aliases: string[];
  /** HTML template appended to replies; `{{agent.first_name}}`-style placeholders. */
  signature: string;
  auto_assign_on_reply: boolean;
  enable_plus_addressing: boolean;
  skip_pci_scan: boolean;
};

export type StoredSecrets = { imap?: string[]; smtp?: string[]; site_secret?: string };

/** An enabled email inbox with its secrets unsealed: what the IMAP poller and the SMTP sender work from. */
export type EmailInbox = {
  id: number;
  uuid: string;
  tenantId: number;
  name: string;
  from: string;
  config: EmailConfig;
  imap: ImapServer[];
  smtp: SmtpServer[];
};

export function readSecrets(ring: Keyring, sealed: string | null): StoredSecrets {
  return sealed ? (JSON.parse(unseal(ring, sealed)) as StoredSecrets) : {};
}

/** The email inbox `inboxId` of the workspace, secrets unsealed; undefined if missing, deleted, disabled or not email. */
export async function readEmailInbox(
  db: Db,
  ring: Keyring,
  tenantId: number,
  inboxId: number,
): Promise<EmailInbox | undefined> {
  const [row] = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.tenantId, tenantId), eq(inboxes.id, inboxId), isNull(inboxes.deletedAt)));
  if (row?.channel !== "email" || !row.enabled) return undefined;
  const config = row.config as EmailConfig;
  const secrets = readSecrets(ring, row.secrets);
  return {
    id: row.id,
    uuid: row.uuid,
    tenantId: row.tenantId,
    name: row.name,
    from: row.from,
    config,
    imap: (config.imap ?? []).map((server, i) => ({ ...server, password: secrets.imap?.[i] ?? "" })),
    smtp: (config.smtp ?? []).map((server, i) => ({ ...server, password: secrets.smtp?.[i] ?? "" })),
  };
}
