import { SMTP_AUTH_PROTOCOLS, SMTP_TLS_TYPES } from "@helperiq/core/setting/email-notification";
import { z } from "zod";
import { int } from "./scalars.ts";

/**
 * Workspace settings under HelperIQ's names (core/setting); the routes answer them under LibreDesk's
 * names too (families/settings/keys.ts `withLibreDeskNamesSchema`).
 */
export const generalSettings = z.object({
  site_name: z.string(),
  root_url: z.string().describe('Public URL of the agent UI; "" means the origin the request came in on.'),
  timezone: z.string(),
  default_language: z.string(),
  max_file_upload_size_mb: int,
  allowed_file_upload_extensions: z
    .array(z.string())
    .describe('Lower-case extensions without the dot; "*" allows any.'),
  logo_url: z.string(),
  favicon_url: z.string(),
});

export const trashSettings = z.object({
  auto_trash_resolved_days: int.describe("Resolved conversations move to the trash after this many days; 0 is off."),
  auto_trash_spam_days: int.describe("Spam moves to the trash after this many days; 0 is off."),
  auto_delete_days: int.describe("Trashed conversations are deleted after this many days; 0 is off."),
});

export const emailNotificationSettings = z.object({
  enabled: z.boolean(),
  host: z.string(),
  port: int,
  username: z.string(),
  password: z.string().describe("Masked: never the password itself."),
  max_conns: int,
  max_msg_retries: int.describe("How many times a failed notification email is tried again."),
  idle_timeout: z.string().describe('A duration like "25s".'),
  wait_timeout: z.string().describe('A duration like "25s".'),
  auth_protocol: z.enum(SMTP_AUTH_PROTOCOLS),
  email_address: z.string().describe("The sender: support@example.com or Support <support@example.com>."),
  hello_hostname: z.string(),
  tls_type: z.enum(SMTP_TLS_TYPES),
  tls_skip_verify: z.boolean(),
});

/** LibreDesk's notification-mail test: the form's SMTP server logged in to (and a test message sent). */
export const emailNotificationTestResult = z
  .object({
    ok: z.literal(true),
    success: z.literal(true),
    latency_ms: int,
    logs: z.array(z.string()).describe("What the server said."),
  })
  .meta({ id: "EmailNotificationTest" });
