import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";

/**
 * The admin screens of inboxes (channels): the inbox routes, all behind inboxes:manage. `config` is typed by
 * the API as a plain JSON object (its shape depends on the channel: core/inbox/config-schema.ts), so the two
 * shapes the forms edit are written out here, as the API answers them (secrets masked: `••••••••` when set).
 */
export type TlsMode = "none" | "starttls" | "tls";
export type ImapServer = {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
  password: string;
  mailbox: string;
  read_interval: string;
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
export type EmailConfig = {
  auth_type: "password" | "oauth";
  imap: ImapServer[];
  smtp: SmtpServer[];
  reply_to: string;
  aliases: string[];
  signature: string;
  auto_assign_on_reply: boolean;
  enable_plus_addressing: boolean;
  skip_pci_scan: boolean;
};
export const PRECHAT_FIELD_TYPES = ["text", "email", "phone", "number", "textarea", "select", "checkbox"] as const;
export type PrechatField = {
  key: string;
  label: string;
  type: (typeof PRECHAT_FIELD_TYPES)[number];
  required: boolean;
  placeholder: string;
  options: string[];
};
export type LivechatConfig = {
  allowed_domains: string[];
  brand_name: string;
  logo_url: string;
  greeting: string;
  intro: string;
  launcher: {
    position: "left" | "right";
    color: string;
    icon_url: string;
    spacing_side: number;
    spacing_bottom: number;
  };
  prechat_form: { enabled: boolean; title: string; fields: PrechatField[] };
  file_upload: boolean;
  /** Masked on read, except once: in the answer to the create that generated it. */
  site_secret: string;
};
export type Channel = "email" | "livechat";
type InboxBase = {
  id: number;
  uuid: string;
  name: string;
  enabled: boolean;
  from: string;
  csat_enabled: boolean;
  created_at: string;
  updated_at: string;
};
export type Inbox = InboxBase &
  ({ channel: "email"; config: EmailConfig } | { channel: "livechat"; config: LivechatConfig });
/** What a create or an update sends (a PUT may send the view back: masked secrets are kept). */
export type InboxInput = {
  name: string;
  channel: Channel;
  from?: string;
  csat_enabled?: boolean;
  config: Record<string, unknown>;
};

// The API types `config` as an open JSON object: the channel decides its shape (see the types above).
const asInbox = (view: { config: Record<string, unknown> }) => view as unknown as Inbox;

export const channelsApi = {
  list: async () => (await call(ENDPOINTS.inboxes)).map(asInbox),
  get: async (id: number) => asInbox(await call(ENDPOINTS.inbox, { params: { id } })),
  create: async (body: InboxInput) => asInbox(await call(ENDPOINTS.createInbox, { body })),
  /** The channel is fixed once created: a PUT does not repeat it. */
  update: async (id: number, { channel: _, ...body }: InboxInput) =>
    asInbox(await call(ENDPOINTS.updateInbox, { params: { id }, body })),
  toggle: async (id: number) => asInbox(await call(ENDPOINTS.toggleInbox, { params: { id } })),
  remove: (id: number) => call(ENDPOINTS.deleteInbox, { params: { id } }),
  /**
   * One mail server as the form holds it. A saved inbox is tested with the form's whole `config` (its masked
   * passwords stand for the stored ones); a new one with that server alone. A failure is an ApiError naming
   * the server (`config.imap[0]: authentication failed …`), whose `detail` is the reason in words.
   */
  testServer: async (kind: "imap" | "smtp", id: number | undefined, config: Record<string, unknown>) => {
    if (id !== undefined) {
      const endpoint = kind === "imap" ? ENDPOINTS.testInboxImap : ENDPOINTS.testInboxSmtp;
      return (await call(endpoint, { params: { id }, body: { config } })).latency_ms;
    }
    const server = (config[kind] as Record<string, unknown>[] | undefined)?.[0] ?? {};
    return (await call(ENDPOINTS.testInboxForm, { body: kind === "imap" ? { imap: server } : { smtp: server } }))
      .latency_ms;
  },
};
