import { MAX_SERVERS, TLS_MODES } from "@helperiq/core/inbox/config-schema";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";
import { livechatLook } from "./widget.ts";

/**
 * An inbox (core/inbox `inboxView`): its `config` is what the create and update bodies take for its channel
 * (core/inbox/config-schema.ts) with the defaults filled in; passwords and the site secret are masked.
 */
const masked = z.string().describe("`••••••••` when set, empty when not: a stored secret is never answered.");
const serverFields = {
  host: z.string(),
  port: int,
  tls: z.enum(TLS_MODES),
  username: z.string(),
  password: masked,
  tls_skip_verify: z.boolean(),
};
export const imapServer = z
  .object({
    ...serverFields,
    mailbox: z.string(),
    read_interval: z.string().describe("How often it is polled: `30s`, `5m`, `1h`."),
  })
  .meta({ id: "ImapServer" });
export const smtpServer = z.object({ ...serverFields, max_conns: int }).meta({ id: "SmtpServer" });

export const emailInboxConfig = z
  .object({
    auth_type: z.enum(["password", "oauth"]),
    from: z.string().describe("The inbox's From address again (LibreDesk's inbox form reads it here)."),
    imap: z.array(imapServer).max(MAX_SERVERS).describe("Polled in turn; a password at index i belongs to server i."),
    smtp: z.array(smtpServer).max(MAX_SERVERS),
    reply_to: z.string(),
    aliases: z.array(z.string()),
    signature: z.string(),
    auto_assign_on_reply: z.boolean(),
    enable_plus_addressing: z.boolean(),
    skip_pci_scan: z.boolean(),
  })
  .meta({ id: "EmailInboxConfig" });

export const livechatInboxConfig = z
  .object({
    allowed_domains: z.array(z.string()),
    ...livechatLook,
    file_upload: z.boolean(),
    site_secret: masked.describe("Masked, except in the answer to the create that generated it."),
  })
  .meta({ id: "LivechatInboxConfig" });

const inboxFields = {
  id: int,
  uuid: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  from: z.string(),
  csat_enabled: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
};
export const inbox = z
  .discriminatedUnion("channel", [
    z.object({ ...inboxFields, channel: z.literal("email"), config: emailInboxConfig }),
    z.object({ ...inboxFields, channel: z.literal("livechat"), config: livechatInboxConfig }),
  ])
  .meta({ id: "Inbox" });

/** A saved inbox's servers answered: how long the logins took. */
export const serverTest = z.object({ ok: z.literal(true), latency_ms: int }).meta({ id: "ServerTest" });

/** LibreDesk's inbox-form test: both sections' outcome and what each server said. */
export const inboxFormTest = z
  .object({
    ok: z.literal(true),
    success: z.literal(true),
    latency_ms: int,
    imap_logs: z.array(z.string()),
    smtp_logs: z.array(z.string()),
  })
  .meta({ id: "InboxFormTest" });

export const inboxSignature = z.object({
  signature: z.string().describe("The caller's signature above the inbox's, placeholders filled."),
});
