import { isNewSecret, mask, seal, type Keyring } from "../crypto/secret-box.ts";
import { InputError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { getSetting, mergeSetting } from "./index.ts";

export const SMTP_AUTH_PROTOCOLS = ["plain", "login", "cram", "none"] as const;
export const SMTP_TLS_TYPES = ["none", "starttls", "tls"] as const;
export const MAX_EMAIL_RETRIES = 10;

/** The SMTP server a workspace's notification emails go out through (LibreDesk's notification.email.*). */
export type EmailNotificationSettings = {
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  /** Stored sealed with the keyring; the API only ever shows `mask()` of it. */
  password: string;
  max_conns: number;
  /** How many times a notification email that failed is tried again before it is given up (push is unaffected). */
  max_msg_retries: number;
  /** Go-style durations, as LibreDesk takes them: "25s", "1m". */
  idle_timeout: string;
  wait_timeout: string;
  auth_protocol: (typeof SMTP_AUTH_PROTOCOLS)[number];
  /** The sender, `support@example.com` or `Support <support@example.com>`. */
  email_address: string;
  hello_hostname: string;
  tls_type: (typeof SMTP_TLS_TYPES)[number];
  tls_skip_verify: boolean;
};

export const EMAIL_NOTIFICATION_KEY = "notifications.email";

const EMAIL_NOTIFICATION_DEFAULTS: EmailNotificationSettings = {
  enabled: false,
  host: "",
  port: 587,
  username: "",
  password: "",
  max_conns: 5,
  max_msg_retries: 2,
  idle_timeout: "25s",
  wait_timeout: "60s",
  auth_protocol: "plain",
  email_address: "",
  hello_hostname: "",
  tls_type: "starttls",
  tls_skip_verify: false,
};

/** What the API shows: the settings with the password masked. */
export function emailNotificationView(settings: EmailNotificationSettings): EmailNotificationSettings {
  return { ...settings, password: mask(settings.password) };
}

/** The stored settings over the defaults, password still sealed (unseal it only to connect). */
export async function getEmailNotificationSettings(db: Db, tenantId: number): Promise<EmailNotificationSettings> {
  const stored = await getSetting<Partial<EmailNotificationSettings>>(db, tenantId, EMAIL_NOTIFICATION_KEY);
  return { ...EMAIL_NOTIFICATION_DEFAULTS, ...stored };
}

/**
 * Merges a validated partial update. A password that is absent, empty or the mask keeps the stored one
 * (forms send back what GET showed); any other value is sealed before it is stored. Enabled settings need
 * a host and a sender.
 */
export async function updateEmailNotificationSettings(
  db: Db,
  secrets: Keyring,
  tenantId: number,
  patch: Partial<EmailNotificationSettings>,
): Promise<EmailNotificationSettings> {
  const { password, ...rest } = patch;
  const update: Partial<EmailNotificationSettings> = isNewSecret(password)
    ? { ...rest, password: seal(secrets, password) }
    : rest;
  return db.transaction(async (tx) => {
    const merged = {
      ...EMAIL_NOTIFICATION_DEFAULTS,
      ...(await mergeSetting(tx, tenantId, EMAIL_NOTIFICATION_KEY, update)),
    };
    if (merged.enabled && !merged.host) throw new InputError("host: required when enabled");
    if (merged.enabled && !merged.email_address) throw new InputError("email_address: required when enabled");
    return merged;
  });
}
