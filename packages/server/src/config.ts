import { DEFAULT_WIDGET_CONVERSATION_LIMIT } from "@helperiq/api/rate-buckets";
import { DEFAULT_ACCOUNT_RATE_LIMIT } from "@helperiq/api/account-throttle";
import { DEFAULT_MEDIA_MAX_BYTES } from "@helperiq/core/media/limits";
import { DEFAULT_MEDIA_URL_TTL_SECONDS } from "@helperiq/core/media/url";
import { parseAllowList } from "@helperiq/adapters/net/allow-list";
import { DEFAULT_PLATFORM_RATE_LIMIT } from "@helperiq/api/families/platform/access";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((v) => v === "true" || v === "1");

/** Every environment variable the embedded server reads, with its default (README: Configuration). */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(9000),
  HOST: z.string().default("127.0.0.1"),
  ROOT_URL: z.url().optional(),
  DATA_DIR: z.string().default("./.data"),
  DATABASE_URL: z.string().optional(),
  DATABASE_DRIVER: z.enum(["pg", "neon"]).default("pg"),
  APP_NAME: z.string().default("HelperIQ"),
  BASE_DOMAIN: z.string().optional(),
  /** Self-serve sign-up on BASE_DOMAIN (families/signup.ts); it needs BASE_DOMAIN (checked in loadConfig). */
  SIGNUP: z.enum(["open", "closed"]).default("closed"),
  /** "" (set but empty): no default workspace, hosts that are no workspace's answer 404. */
  DEFAULT_TENANT: z.string().trim().default("default"),
  ADMIN_EMAIL: z.email().default("admin@helperiq.local"),
  ADMIN_PASSWORD: z.string().min(10).optional(),
  TRUST_PROXY: bool,
  CLIENT_IP_HEADER: z.string().toLowerCase().optional(),
  AUTH_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  ACCOUNT_RATE_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_ACCOUNT_RATE_LIMIT),
  WIDGET_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  WIDGET_CONVERSATION_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_WIDGET_CONVERSATION_LIMIT),
  SECRET_KEYS: z.string().optional(),
  /** The operator's platform API (/platform/v1): unset, it is off (404). At least 32 characters. */
  PLATFORM_API_KEY: z.string().min(32, "use at least 32 characters (openssl rand -hex 32)").optional(),
  /** The one host serving the platform API; unset, BASE_DOMAIN itself, else ROOT_URL's host. */
  PLATFORM_HOST: z.string().toLowerCase().optional(),
  PLATFORM_RATE_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_PLATFORM_RATE_LIMIT),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("HelperIQ <no-reply@localhost>"),
  GOOGLE_CLIENT_IDS: z.string().default(""),
  GOOGLE_JWKS_URL: z.url().default("https://www.googleapis.com/oauth2/v3/certs"),
  FCM_SERVICE_ACCOUNT: z.string().optional(),
  FCM_ENDPOINT: z.url().optional(),
  WS_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1 << 20),
  MEDIA_MAX_BYTES: z.coerce.number().int().min(1).default(DEFAULT_MEDIA_MAX_BYTES),
  OPENAI_BASE_URL: z.url().optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  OPENROUTER_BASE_URL: z.url().optional(),
  AI_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  MEDIA_URL_TTL: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(DEFAULT_MEDIA_URL_TTL_SECONDS),
  /** Hosts and CIDRs workspaces may connect to although they are not public (packages/adapters/src/net/allow-list.ts). */
  OUTBOUND_ALLOW_HOSTS: z
    .string()
    .default("")
    .superRefine((spec, ctx) => {
      try {
        parseAllowList(spec);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message.replace(/^OUTBOUND_ALLOW_HOSTS: /, "") });
      }
    }),
});

export type ServerConfig = z.infer<typeof schema> & { rootUrl: string };

/** Variables whose empty value turns the feature off; any other empty variable takes its default. */
const EMPTY_MEANS_OFF = new Set(["DEFAULT_TENANT"]);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const entries = Object.entries(env).filter(([k, v]) => v !== undefined && (v !== "" || EMPTY_MEANS_OFF.has(k)));
  const parsed = schema.safeParse(Object.fromEntries(entries));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.SIGNUP === "open" && !c.BASE_DOMAIN) {
    throw new Error(
      "Invalid configuration: SIGNUP: open needs BASE_DOMAIN (new workspaces live at <slug>.<BASE_DOMAIN>)",
    );
  }
  return { ...c, rootUrl: c.ROOT_URL ?? `http://localhost:${c.PORT}` };
}
