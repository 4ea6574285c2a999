import { isNewSecret, unseal, type Keyring } from "../crypto/secret-box.ts";
import { InputError } from "../errors/index.ts";
import type { SmtpServer } from "../inbox/email-config.ts";
import type { Db } from "../port/database.ts";
import type { MailProbe } from "../port/mail-probe.ts";
import { getEmailNotificationSettings, type EmailNotificationSettings } from "./email-notification.ts";

/**
 * LibreDesk's "test" of the notification SMTP form (`POST /settings/notifications/email/test`): the form's
 * values over the stored ones (a masked or absent password is the stored one, but only for the stored host:
 * the stored password is never sent to a server it was not set for) make the SMTP server that is connected
 * to, upgraded to TLS as set and logged in to (the MailProbe port). Nothing is stored; a server that refuses
 * is a 400 naming `host` with the reason.
 */
export async function testEmailNotificationSettings(
  db: Db,
  ring: Keyring,
  probe: MailProbe,
  tenantId: number,
  patch: Partial<EmailNotificationSettings>,
): Promise<{ ok: true; latency_ms: number }> {
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
  const outcome = await probe.smtp(server);
  if (!outcome.ok) throw new InputError(`host: ${outcome.reason}`);
  return { ok: true, latency_ms: outcome.latencyMs };
}
