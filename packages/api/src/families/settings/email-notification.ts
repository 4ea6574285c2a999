import {
  emailNotificationView,
  getEmailNotificationSettings,
  SMTP_AUTH_PROTOCOLS,
  SMTP_TLS_TYPES,
  updateEmailNotificationSettings,
} from "@helperiq/core/setting/email-notification";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok } from "../../middleware/envelope.ts";
import { validate } from "../../validate.ts";

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

const emailNotificationUpdate = z
  .object({
    enabled: z.boolean(),
    host: hostName,
    port: z.number().int().min(1).max(65535),
    username: z.string().trim().max(254),
    password: z.string().max(1024),
    max_conns: z.number().int().min(1).max(100),
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
  })
  .partial();

/** `GET/PUT /api/v1/settings/notifications/email`: the SMTP server for notification mail; the password is write-only. */
export const emailNotificationRoutes = new Hono<AppEnv>()
  .get("/api/v1/settings/notifications/email", auth("notification_settings:manage"), async (c) =>
    ok(c, emailNotificationView(await getEmailNotificationSettings(c.get("deps").database.db, c.get("tenant").id))),
  )
  .put(
    "/api/v1/settings/notifications/email",
    auth("notification_settings:manage"),
    validate("json", emailNotificationUpdate),
    async (c) => {
      const { database, secrets } = c.get("deps");
      const saved = await updateEmailNotificationSettings(database.db, secrets, c.get("tenant").id, c.req.valid("json"));
      return ok(c, emailNotificationView(saved));
    },
  );
