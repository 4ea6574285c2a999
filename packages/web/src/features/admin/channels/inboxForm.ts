import { ApiError } from "../../../api/client.ts";
import type {
  EmailConfig,
  ImapServer,
  Inbox,
  LivechatConfig,
  PrechatField,
  SmtpServer,
  TlsMode,
} from "../../../api/channels.ts";

/**
 * The inbox forms' state and how it becomes the API's body. Numbers are held as the text typed (an empty
 * port means the API's default for the TLS mode), lists (aliases, allowed domains) one entry per line, so a
 * failed save never loses or reformats what was typed.
 */
export type ServerForm = {
  /** The list's own key for each server (never sent): rows keep their fields when one above is removed. */
  key: number;
  host: string;
  port: string;
  tls: TlsMode;
  username: string;
  /** `••••••••` (the API's mask) while the stored password is kept. */
  password: string;
  tls_skip_verify: boolean;
};
export type ImapForm = ServerForm & { mailbox: string; read_interval: string };
export type SmtpForm = ServerForm & { max_conns: string };
export type EmailForm = {
  from: string;
  reply_to: string;
  useImap: boolean;
  /** Polled in turn; the API takes up to MAX_SERVERS of each. */
  imap: ImapForm[];
  smtp: SmtpForm[];
  aliases: string;
  signature: string;
  auto_assign_on_reply: boolean;
  enable_plus_addressing: boolean;
  skip_pci_scan: boolean;
  /** Kept as it was (the form edits password inboxes only). */
  auth_type: EmailConfig["auth_type"];
};
export type LivechatForm = Omit<LivechatConfig, "allowed_domains" | "launcher" | "site_secret"> & {
  allowed_domains: string;
  launcher: Omit<LivechatConfig["launcher"], "spacing_side" | "spacing_bottom"> & {
    spacing_side: string;
    spacing_bottom: string;
  };
  site_secret: string;
};

export const TLS_MODES: TlsMode[] = ["tls", "starttls", "none"];
/** How many IMAP and how many SMTP servers an inbox may have (the API's limit, core/inbox/config-schema.ts). */
export const MAX_SERVERS = 5;

/** `{{name}}` placeholders the server fills in an inbox's signature (core/mail-out/signature.ts). */
export const SIGNATURE_PLACEHOLDERS = [
  "agent.first_name",
  "agent.last_name",
  "agent.full_name",
  "agent.email",
  "inbox.name",
  "customer.first_name",
  "customer.last_name",
] as const;

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
const portText = (port: number | undefined) => (port === undefined ? "" : String(port));
// A number input's v-model hands back a number once something is typed (Vue casts type=number), "" when empty.
const numberOrUndefined = (value: string | number) => (String(value).trim() === "" ? undefined : Number(value));

let nextKey = 0;

/** An IMAP server as the form holds it: `server` as the API answered it, or a new one with the usual defaults. */
export function imapForm(server?: ImapServer): ImapForm {
  return {
    key: ++nextKey,
    host: server?.host ?? "",
    port: portText(server?.port ?? 993),
    tls: server?.tls ?? "tls",
    username: server?.username ?? "",
    password: server?.password ?? "",
    mailbox: server?.mailbox ?? "INBOX",
    read_interval: server?.read_interval ?? "5m",
    tls_skip_verify: server?.tls_skip_verify ?? false,
  };
}

export function smtpForm(server?: SmtpServer): SmtpForm {
  return {
    key: ++nextKey,
    host: server?.host ?? "",
    port: portText(server?.port ?? 587),
    tls: server?.tls ?? "starttls",
    username: server?.username ?? "",
    password: server?.password ?? "",
    max_conns: String(server?.max_conns ?? 10),
    tls_skip_verify: server?.tls_skip_verify ?? false,
  };
}

export function emailForm(inbox?: Inbox): EmailForm {
  const config = inbox?.channel === "email" ? inbox.config : undefined;
  const imap = config?.imap ?? [];
  const smtp = config?.smtp ?? [];
  return {
    from: inbox?.from ?? "",
    reply_to: config?.reply_to ?? "",
    useImap: config ? imap.length > 0 : true,
    // An inbox that only sends still offers one blank IMAP server, sent only once "use IMAP" is ticked.
    imap: imap.length ? imap.map(imapForm) : [imapForm()],
    smtp: smtp.length ? smtp.map(smtpForm) : [smtpForm()],
    aliases: (config?.aliases ?? []).join("\n"),
    signature: config?.signature ?? "",
    auto_assign_on_reply: config?.auto_assign_on_reply ?? false,
    enable_plus_addressing: config?.enable_plus_addressing ?? false,
    skip_pci_scan: config?.skip_pci_scan ?? false,
    auth_type: config?.auth_type ?? "password",
  };
}

const serverBody = ({ key: _, port, ...server }: ServerForm) => ({ ...server, port: numberOrUndefined(port) });

/** The email `config` as the API takes it: every listed server, in the form's order (the first is tried first). */
export function emailConfigBody(form: EmailForm): Record<string, unknown> {
  return {
    auth_type: form.auth_type,
    imap: form.useImap ? form.imap.map((server) => serverBody(server)) : [],
    smtp: form.smtp.map(({ max_conns, ...server }) => ({
      ...serverBody(server),
      max_conns: numberOrUndefined(max_conns),
    })),
    reply_to: form.reply_to.trim(),
    aliases: lines(form.aliases),
    signature: form.signature,
    auto_assign_on_reply: form.auto_assign_on_reply,
    enable_plus_addressing: form.enable_plus_addressing,
    skip_pci_scan: form.skip_pci_scan,
  };
}

export function livechatForm(inbox?: Inbox): LivechatForm {
  const config = inbox?.channel === "livechat" ? inbox.config : undefined;
  const launcher = config?.launcher;
  return {
    allowed_domains: (config?.allowed_domains ?? []).join("\n"),
    brand_name: config?.brand_name ?? "",
    logo_url: config?.logo_url ?? "",
    greeting: config?.greeting ?? "",
    intro: config?.intro ?? "",
    launcher: {
      position: launcher?.position ?? "right",
      color: launcher?.color ?? "#2563eb",
      icon_url: launcher?.icon_url ?? "",
      spacing_side: String(launcher?.spacing_side ?? 20),
      spacing_bottom: String(launcher?.spacing_bottom ?? 20),
    },
    prechat_form: {
      enabled: config?.prechat_form.enabled ?? false,
      title: config?.prechat_form.title ?? "",
      fields: (config?.prechat_form.fields ?? []).map((field) => ({ ...field, options: [...field.options] })),
    },
    file_upload: config?.file_upload ?? true,
    site_secret: config?.site_secret ?? "",
  };
}

export function livechatConfigBody(form: LivechatForm): Record<string, unknown> {
  const { site_secret, ...rest } = form;
  return {
    ...rest,
    allowed_domains: lines(form.allowed_domains),
    launcher: {
      ...form.launcher,
      spacing_side: numberOrUndefined(form.launcher.spacing_side),
      spacing_bottom: numberOrUndefined(form.launcher.spacing_bottom),
    },
    // Unset on a new inbox: the server generates one. Sent back masked, it keeps the stored one.
    ...(site_secret ? { site_secret } : {}),
  };
}

export function newPrechatField(taken: readonly PrechatField[]): PrechatField {
  let n = taken.length + 1;
  while (taken.some((field) => field.key === `field_${n}`)) n++;
  return { key: `field_${n}`, label: "", type: "text", required: false, placeholder: "", options: [] };
}

/** The fields whose API errors the inbox forms show in place (`config.imap[0].port`, …). */
export const INBOX_FIELDS = [
  "name",
  "from",
  "config.reply_to",
  ...Array.from({ length: MAX_SERVERS }, (_, i) => [
    ...["host", "port", "username", "password", "mailbox", "read_interval"].map((f) => `config.imap[${i}].${f}`),
    ...["host", "port", "username", "password", "max_conns"].map((f) => `config.smtp[${i}].${f}`),
  ]).flat(),
  "config.aliases",
  "config.signature",
  "config.allowed_domains",
  "config.brand_name",
  "config.logo_url",
  "config.greeting",
  "config.intro",
  ...["color", "icon_url", "spacing_side", "spacing_bottom"].map((f) => `config.launcher.${f}`),
  "config.prechat_form.title",
  "config.prechat_form.fields",
  ...Array.from({ length: 20 }, (_, i) =>
    ["key", "label", "options"].map((f) => `config.prechat_form.fields[${i}].${f}`),
  ).flat(),
] as const;

/**
 * A list entry's error (`config.aliases[2]: …`) shown at its list's field, naming the line: the lists are
 * edited one entry per line.
 */
export function atListField(err: unknown, lineLabel: (line: number) => string): unknown {
  if (!(err instanceof ApiError) || !err.field) return err;
  const m = /^(config\.(?:aliases|allowed_domains))\[(\d+)\]$/.exec(err.field);
  if (!m) return err;
  return new ApiError(err.status, err.type, `${m[1]}: ${lineLabel(Number(m[2]) + 1)}: ${err.detail}`);
}
