import { ApiError } from "../../../api/client.ts";
import type { EmailConfig, Inbox, LivechatConfig, PrechatField, TlsMode } from "../../../api/channels.ts";

/**
 * The inbox forms' state and how it becomes the API's body. Numbers are held as the text typed (an empty
 * port means the API's default for the TLS mode), lists (aliases, allowed domains) one entry per line, so a
 * failed save never loses or reformats what was typed.
 */
export type ServerForm = {
  host: string;
  port: string;
  tls: TlsMode;
  username: string;
  /** `••••••••` (the API's mask) while the stored password is kept. */
  password: string;
};
export type EmailForm = {
  from: string;
  reply_to: string;
  useImap: boolean;
  imap: ServerForm & { mailbox: string; read_interval: string; tls_skip_verify: boolean };
  smtp: ServerForm & { max_conns: string; tls_skip_verify: boolean };
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

export function emailForm(inbox?: Inbox): EmailForm {
  const config = inbox?.channel === "email" ? inbox.config : undefined;
  const imap = config?.imap[0];
  const smtp = config?.smtp[0];
  return {
    from: inbox?.from ?? "",
    reply_to: config?.reply_to ?? "",
    useImap: config ? config.imap.length > 0 : true,
    imap: {
      host: imap?.host ?? "",
      port: portText(imap?.port ?? 993),
      tls: imap?.tls ?? "tls",
      username: imap?.username ?? "",
      password: imap?.password ?? "",
      mailbox: imap?.mailbox ?? "INBOX",
      read_interval: imap?.read_interval ?? "5m",
      tls_skip_verify: imap?.tls_skip_verify ?? false,
    },
    smtp: {
      host: smtp?.host ?? "",
      port: portText(smtp?.port ?? 587),
      tls: smtp?.tls ?? "starttls",
      username: smtp?.username ?? "",
      password: smtp?.password ?? "",
      max_conns: String(smtp?.max_conns ?? 10),
      tls_skip_verify: smtp?.tls_skip_verify ?? false,
    },
    aliases: (config?.aliases ?? []).join("\n"),
    signature: config?.signature ?? "",
    auto_assign_on_reply: config?.auto_assign_on_reply ?? false,
    enable_plus_addressing: config?.enable_plus_addressing ?? false,
    skip_pci_scan: config?.skip_pci_scan ?? false,
    auth_type: config?.auth_type ?? "password",
  };
}

/** The email `config` as the API takes it (the form edits one IMAP and one SMTP server, as LibreDesk's does). */
export function emailConfigBody(form: EmailForm): Record<string, unknown> {
  const { imap, smtp } = form;
  return {
    auth_type: form.auth_type,
    imap: form.useImap
      ? [
          {
            host: imap.host,
            port: numberOrUndefined(imap.port),
            tls: imap.tls,
            username: imap.username,
            password: imap.password,
            mailbox: imap.mailbox,
            read_interval: imap.read_interval,
            tls_skip_verify: imap.tls_skip_verify,
          },
        ]
      : [],
    smtp: [
      {
        host: smtp.host,
        port: numberOrUndefined(smtp.port),
        tls: smtp.tls,
        username: smtp.username,
        password: smtp.password,
        max_conns: numberOrUndefined(smtp.max_conns),
        tls_skip_verify: smtp.tls_skip_verify,
      },
    ],
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
  ...["host", "port", "username", "password", "mailbox", "read_interval"].map((f) => `config.imap[0].${f}`),
  ...["host", "port", "username", "password", "max_conns"].map((f) => `config.smtp[0].${f}`),
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
