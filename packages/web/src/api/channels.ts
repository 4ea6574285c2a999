import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Schema } from "./schema.ts";

/**
 * The admin screens of inboxes (channels): the inbox routes, all behind inboxes:manage. An inbox's `config` is
 * typed by its channel (openapi.json's EmailInboxConfig / LivechatInboxConfig, secrets masked: `••••••••` when set).
 */
export type Inbox = Schema<"Inbox">;
export type Channel = Inbox["channel"];
export type EmailConfig = Schema<"EmailInboxConfig">;
export type LivechatConfig = Schema<"LivechatInboxConfig">;
export type ImapServer = Schema<"ImapServer">;
export type SmtpServer = Schema<"SmtpServer">;
export type TlsMode = ImapServer["tls"];
export type PrechatField = LivechatConfig["prechat_form"]["fields"][number];
/** The pre-chat field types in the order the builder offers them (`satisfies`: each is one the API declares). */
export const PRECHAT_FIELD_TYPES = [
  "text",
  "email",
  "phone",
  "number",
  "textarea",
  "select",
  "checkbox",
] as const satisfies readonly PrechatField["type"][];
/** What a create or an update sends (a PUT may send the view back: masked secrets are kept). */
export type InboxInput = {
  name: string;
  channel: Channel;
  from?: string;
  csat_enabled?: boolean;
  config: Record<string, unknown>;
};

export const channelsApi = {
  list: () => call(ENDPOINTS.inboxes),
  get: (id: number) => call(ENDPOINTS.inbox, { params: { id } }),
  create: (body: InboxInput) => call(ENDPOINTS.createInbox, { body }),
  /** The channel is fixed once created: a PUT does not repeat it. */
  update: (id: number, { channel: _, ...body }: InboxInput) => call(ENDPOINTS.updateInbox, { params: { id }, body }),
  toggle: (id: number) => call(ENDPOINTS.toggleInbox, { params: { id } }),
  remove: (id: number) => call(ENDPOINTS.deleteInbox, { params: { id } }),
  /**
   * The server at `index` of the form's list. A saved inbox is tested with the form's whole `config` (its
   * masked passwords stand for the stored ones, matched by index); a new one with that server alone. A failure
   * is an ApiError naming the server (`config.imap[1]: authentication failed …`), whose `detail` is the reason.
   */
  testServer: async (kind: "imap" | "smtp", id: number | undefined, config: Record<string, unknown>, index: number) => {
    if (id !== undefined) {
      const endpoint = kind === "imap" ? ENDPOINTS.testInboxImap : ENDPOINTS.testInboxSmtp;
      return (await call(endpoint, { params: { id }, body: { config, server: index } })).latency_ms;
    }
    const server = (config[kind] as Record<string, unknown>[] | undefined)?.[index] ?? {};
    return (await call(ENDPOINTS.testInboxForm, { body: kind === "imap" ? { imap: server } : { smtp: server } }))
      .latency_ms;
  },
};
