import { z } from "zod";
import { InputError } from "../errors/index.ts";
import { mailbox } from "./address.ts";
import type { TlsMode } from "./email-config.ts";

/**
 * What clients send as an inbox's `config`, per channel, with the defaults omitted fields take. Passwords and
 * the site secret are part of the input only: the domain seals them into `inboxes.secrets` (inbox/secrets.ts).
 */
export const MAX_SERVERS = 5;
export const TLS_MODES = ["none", "starttls", "tls"] as const;

/** `30s`, `5m`, `1h`: how often an IMAP folder is polled. */
const DURATION = /^(\d{1,5})(s|m|h)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;
const MIN_READ_INTERVAL_S = 10;
const MAX_READ_INTERVAL_S = 24 * 3600;

export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] : undefined;
}

const readInterval = z
  .string()
  .trim()
  .default("5m")
  .refine((v) => {
    const s = durationSeconds(v);
    return s !== undefined && s >= MIN_READ_INTERVAL_S && s <= MAX_READ_INTERVAL_S;
  }, "must be a duration between 10s and 24h, like 30s, 5m or 1h");

/** A host name or IP literal; no scheme, port or path. */
const host = z
  .string()
  .trim()
  .min(1, "required")
  .max(253)
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?)$/,
    "must be a host name like mail.example.com (no scheme or port)",
  );

const port = z.number().int().min(1).max(65535);
const password = z.string().max(1024).optional();
const username = z.string().trim().max(320).default("");

/**
 * A server's TLS mode as `tls`, or as `tls_type`, LibreDesk's name (its inbox form's field). LibreDesk's form
 * sends back every key of the inbox it was filled from, so a HelperIQ `tls` it carries is stale: `tls_type`,
 * when given, is the one the person chose.
 */
const tlsFields = { tls: z.enum(TLS_MODES).optional(), tls_type: z.enum(TLS_MODES).optional() };
const tlsOf = (s: { tls?: TlsMode | undefined; tls_type?: TlsMode | undefined }, fallback: TlsMode): TlsMode =>
  s.tls_type ?? s.tls ?? fallback;

export const imapServer = z
  .object({
    host,
    port: port.optional(),
    ...tlsFields,
    username: z.string().trim().min(1, "required").max(320),
    password,
    mailbox: z.string().trim().min(1, "required").max(255).default("INBOX"),
    read_interval: readInterval,
    tls_skip_verify: z.boolean().default(false),
  })
  .transform(({ port, tls, tls_type, ...s }) => {
    const mode = tlsOf({ tls, tls_type }, "tls");
    return { ...s, tls: mode, port: port ?? (mode === "tls" ? 993 : 143) };
  });

export const smtpServer = z
  .object({
    host,
    port: port.optional(),
    ...tlsFields,
    username,
    password,
    max_conns: z.number().int().min(1).max(100).default(10),
    tls_skip_verify: z.boolean().default(false),
  })
  .transform(({ port, tls, tls_type, ...s }) => {
    const mode = tlsOf({ tls, tls_type }, "starttls");
    return { ...s, tls: mode, port: port ?? (mode === "tls" ? 465 : mode === "starttls" ? 587 : 25) };
  });

export const emailConfigInput = z.object({
  auth_type: z.enum(["password", "oauth"]).default("password"),
  imap: z.array(imapServer).max(MAX_SERVERS).default([]),
  smtp: z.array(smtpServer).min(1, "at least one SMTP server is required").max(MAX_SERVERS),
  reply_to: z.union([z.literal(""), mailbox]).default(""),
  aliases: z.array(mailbox).max(50).default([]),
  signature: z.string().max(20_000).default(""),
  auto_assign_on_reply: z.boolean().default(false),
  enable_plus_addressing: z.boolean().default(false),
  skip_pci_scan: z.boolean().default(false),
});
export type EmailConfigInput = z.output<typeof emailConfigInput>;

const HOST_PATTERN = /^(\*|(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?)$/;

/**
 * `example.com`, `*.example.com`, `localhost:3000` or `*`: the hosts whose pages may embed the widget (the
 * widget's matcher, core/widget/origin.ts, reads them). A pasted origin (`https://example.com`) is stored as
 * its host.
 */
const hostPattern = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .transform((value, ctx) => {
    let host = value;
    if (/^https?:\/\//.test(value)) {
      const url = URL.canParse(value) ? new URL(value) : undefined;
      host = url && (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash ? url.host : "";
    }
    if (!HOST_PATTERN.test(host)) {
      ctx.addIssue({ code: "custom", message: "must be a host like example.com, *.example.com or localhost:3000" });
      return z.NEVER;
    }
    return host;
  });

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => v === "" || /^https?:\/\/[^\s]+$/i.test(v), "must be an http(s) URL");

export const PRECHAT_FIELD_TYPES = ["text", "email", "phone", "number", "textarea", "select", "checkbox"] as const;

const prechatField = z
  .object({
    key: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, "must be lower_snake_case, starting with a letter"),
    label: z.string().trim().min(1, "required").max(140),
    type: z.enum(PRECHAT_FIELD_TYPES).default("text"),
    required: z.boolean().default(false),
    placeholder: z.string().max(140).default(""),
    options: z.array(z.string().trim().min(1).max(140)).max(50).default([]),
  })
  .refine((f) => f.type !== "select" || f.options.length > 0, {
    message: "a select field needs options",
    path: ["options"],
  });

export const livechatConfigInput = z.object({
  /** Host patterns the widget may run on; empty means any site. */
  allowed_domains: z.array(hostPattern).max(100).default([]),
  brand_name: z.string().trim().max(140).default(""),
  logo_url: httpUrl.default(""),
  /** First message a visitor sees. */
  greeting: z.string().max(1000).default(""),
  /** Line under the greeting, e.g. typical reply time. */
  intro: z.string().max(1000).default(""),
  launcher: z
    .object({
      position: z.enum(["left", "right"]).default("right"),
      color: z.string().regex(HEX_COLOR, "must be a hex colour like #1a2b3c").default("#2563eb"),
      icon_url: httpUrl.default(""),
      spacing_side: z.number().int().min(0).max(500).default(20),
      spacing_bottom: z.number().int().min(0).max(500).default(20),
    })
    .prefault({}),
  prechat_form: z
    .object({
      enabled: z.boolean().default(false),
      title: z.string().max(140).default(""),
      fields: z.array(prechatField).max(20).default([]),
    })
    .prefault({})
    .refine((f) => new Set(f.fields.map((x) => x.key)).size === f.fields.length, {
      message: "field keys must be unique",
      path: ["fields"],
    }),
  file_upload: z.boolean().default(true),
  /** Write-only: the secret sites sign visitor JWTs with (sealed; masked on read). */
  site_secret: z.string().max(512).optional(),
});
export type LivechatConfigInput = z.output<typeof livechatConfigInput>;

/** Parses `value` or throws a 400 naming the first offending field under `prefix` (`config.imap[0].port: …`). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  throw new InputError(`${prefix}${path}: ${issue.message}`);
}
