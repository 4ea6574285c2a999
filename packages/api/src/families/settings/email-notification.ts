import {
  emailNotificationView,
  getEmailNotificationSettings,
  MAX_EMAIL_RETRIES,
  SMTP_AUTH_PROTOCOLS,
  type EmailNotificationSettings,
  SMTP_TLS_TYPES,
  updateEmailNotificationSettings,
} from "@helperiq/core/setting/email-notification";
import { testEmailNotificationSettings } from "@helperiq/core/setting/email-notification-test";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { emailNotificationSettings, emailNotificationTestResult } from "../../responses/settings.ts";
import { validate } from "../../validate.ts";
import { settingsUpdate, withLibreDeskNames, withLibreDeskNamesSchema } from "./keys.ts";

const hostName = z
  .string()
  .trim()
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]*$/, "must be a host name or IP address");
const duration = z
  .string()
  .trim()
  .regex(/^\d{1,6}(ms|s|m|h)$/, 'must be a duration like "25s" or "2m"');

/** `support@example.com` or `Support <support@example.com>`. */
function isSenderAddress(value: string): boolean {
  const match = /^(?:[^<>]*<([^<>\s]+)>|([^<>\s]+))$/.exec(value);
  const address = match?.[1] ?? match?.[2];
  return address !== undefined && z.email().safeParse(address).success;
}

const emailNotificationFields = {
  enabled: z.boolean(),
  host: hostName,
  port: z.number().int().min(1).max(65535),
  username: z.string().trim().max(254),
  password: z.string().max(1024),
  max_conns: z.number().int().min(1).max(100),
  max_msg_retries: z.number().int().min(0).max(MAX_EMAIL_RETRIES),
  idle_timeout: duration,
  wait_timeout: duration,
  auth_protocol: z.enum(SMTP_AUTH_PROTOCOLS),
  email_address: z
    .string()
    .trim()
    .max(320)
    .refine((v) => v === "" || isSenderAddress(v), 'must be an address like "Support <support@example.com>"'),
  hello_hostname: hostName,
  tls_type: z.enum(SMTP_TLS_TYPES),
  tls_skip_verify: z.boolean(),
};

/** LibreDesk's names: every setting under `notification.email.`. */
const EMAIL_NOTIFICATION_NAMES = Object.fromEntries(
  Object.keys(emailNotificationFields).map((key) => [`notification.email.${key}`, key]),
) as { [K in keyof typeof emailNotificationFields as `notification.email.${K}`]: K };

const emailNotificationUpdate = settingsUpdate(emailNotificationFields, EMAIL_NOTIFICATION_NAMES);

/**
 * The test form: the settings under either name, plus LibreDesk's `test_email`, where the server is to send
 * a test message (empty: log in only).
 */
const emailNotificationTest = settingsUpdate(
  { ...emailNotificationFields, test_email: z.union([z.literal(""), z.email("must be an email address")]) },
  EMAIL_NOTIFICATION_NAMES,
).transform(({ test_email, ...settings }) => ({ testEmail: test_email || undefined, settings }));

const answer = (settings: EmailNotificationSettings) =>
  withLibreDeskNames(emailNotificationView(settings), EMAIL_NOTIFICATION_NAMES);
const notificationMailView = withLibreDeskNamesSchema(emailNotificationSettings, EMAIL_NOTIFICATION_NAMES).meta({
  id: "EmailNotificationSettings",
});

/**
 * `GET/PUT /api/v1/settings/notifications/email`: the SMTP server for notification mail, under HelperIQ's
 * and LibreDesk's names; the password is write-only (masked under both).
 */
export const emailNotificationRoutes = new Hono<AppEnv>()
  .get(
    "/api/v1/settings/notifications/email",
    auth("notification_settings:manage"),
    responds(notificationMailView),
    async (c) => ok(c, answer(await getEmailNotificationSettings(c.get("deps").database.db, c.get("tenant").id))),
  )
  .put(
    "/api/v1/settings/notifications/email",
    auth("notification_settings:manage"),
    validate("json", emailNotificationUpdate),
    responds(notificationMailView),
    async (c) => {
      const { database, secrets } = c.get("deps");
      const saved = await updateEmailNotificationSettings(
        database.db,
        secrets,
        c.get("tenant").id,
        c.req.valid("json"),
      );
      return ok(c, answer(saved));
    },
  )
  // LibreDesk's "send test": the form's SMTP server, unsaved values over the stored ones, is logged in to
  // (and sends a test message to `test_email`).
  .post(
    "/api/v1/settings/notifications/email/test",
    auth("notification_settings:manage"),
    validate("json", emailNotificationTest),
    responds(emailNotificationTestResult),
    async (c) => {
      const { database, secrets, mailProbe } = c.get("deps");
      const { settings, testEmail } = c.req.valid("json");
      return ok(
        c,
        await testEmailNotificationSettings(database.db, secrets, mailProbe, c.get("tenant").id, settings, testEmail),
      );
    },
  );
