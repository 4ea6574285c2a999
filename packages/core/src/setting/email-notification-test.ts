import { isNewSecret, unseal, type Keyring } from "../crypto/secret-box.ts";
import { InputError } from "../errors/index.ts";
import type { SmtpServer } from "../inbox/email-config.ts";
import type { Db } from "../port/database.ts";
import { mailboxAddress } from "../inbox/address.ts";
import { probeServer, testMessage } from "../inbox/probe.ts";
import type { MailProbe, ProbeMessage } from "../port/mail-probe.ts";
import { getEmailNotificationSettings, type EmailNotificationSettings } from "./email-notification.ts";

/** HelperIQ's `ok` and LibreDesk's `success` (a failure is a 400 instead), the round trip, a line of what was done. */
export type NotificationTestAnswer = { ok: true; success: true; latency_ms: number; logs: string[] };

/**
 * LibreDesk's "test" of the notification SMTP form (`POST /settings/notifications/email/test`): the form's
 * values over the stored ones (a masked or absent password is the stored one, but only for the stored host:
 * the stored password is never sent to a server it was not set for) make the SMTP server that is connected
 * to, upgraded to TLS as set and logged in to (the MailProbe port); given `testEmail`, it then sends a test
 * message there from the notification address. Nothing is stored; a server that refuses is a 400 naming
 * `host` with the reason.
 */
export async function testEmailNotificationSettings(
  db: Db,
  ring: Keyring,
  probe: MailProbe,
  tenantId: number,
  patch: Partial<EmailNotificationSettings>,
  testEmail?: string,
): Promise<NotificationTestAnswer> {
  const stored = await getEmailNotificationSettings(db, tenantId);
  const { password, ...rest } = patch;
  const settings = { ...stored, ...rest };
  if (!settings.host) throw new InputError("host: required");
  const storedPassword = !isNewSecret(password) && stored.password !== "";
  if (storedPassword && settings.host.toLowerCase() !== stored.host.toLowerCase()) {
    throw new InputError("password: enter it again to test another host");
  }
  const server: SmtpServer = {
    host: settings.host,
    port: settings.port,
    tls: settings.tls_type,
    username: settings.auth_protocol === "none" ? "" : settings.username,
    password: isNewSecret(password) ? password : storedPassword ? unseal(ring, stored.password) : "",
    max_conns: settings.max_conns,
    tls_skip_verify: settings.tls_skip_verify,
  };
  let message: ProbeMessage | undefined;
  if (testEmail) {
    const sender = [settings.email_address, server.username].find(
      (candidate) => mailboxAddress(candidate) !== undefined,
    );
    if (!sender) throw new InputError("email_address: required to send a test message");
    message = testMessage(sender, testEmail, "the notification mail server");
  }
  const { latencyMs, log } = await probeServer(probe, "smtp", server, "host", message);
  return { ok: true, success: true, latency_ms: latencyMs, logs: [log] };
}
