import type { Ctx } from "../context/index.ts";
import type { Keyring } from "../crypto/secret-box.ts";
import { InputError } from "../errors/index.ts";
import type { MailProbe } from "../port/mail-probe.ts";
import type { EmailConfig, ImapServer, SmtpServer } from "./email-config.ts";
import { channelState, fromOf, loadInbox } from "./index.ts";
import { secretsForView } from "./secrets.ts";

export type ProbeKind = "imap" | "smtp";

/**
 * Tests an email inbox's IMAP or SMTP servers, in order, with their stored (unsealed) passwords. With
 * `unsaved`, a `config` as a PUT would send it, the servers are tested as they would be after that PUT
 * (same validation, same keep-the-stored-password rules) without saving anything. The first failing server
 * is a 400 naming it: `config.imap[0]: authentication failed for user "x"`.
 */
export async function testInboxServers(
  ctx: Ctx,
  ring: Keyring,
  probe: MailProbe,
  id: number,
  kind: ProbeKind,
  unsaved?: Record<string, unknown>,
): Promise<{ ok: true; latency_ms: number }> {
  const row = await loadInbox(ctx, id);
  const label = kind.toUpperCase();
  if (row.channel !== "email") throw new InputError(`channel: a ${row.channel} inbox has no ${label} servers`);
  const stored = { config: row.config, from: row.from, secrets: secretsForView(ring, row.secrets) };
  const state = unsaved
    ? channelState("email", { ...row.config, ...unsaved }, fromOf(undefined, unsaved, row.from), stored)
    : stored;
  const config = state.config as Partial<EmailConfig>;
  const passwords = state.secrets[kind] ?? [];
  const servers = (config[kind] ?? []).map((server, i) => ({ ...server, password: passwords[i] ?? "" }));
  if (servers.length === 0) throw new InputError(`config.${kind}: no ${label} server configured`);
  let latency = 0;
  for (const [i, server] of servers.entries()) {
    const outcome = kind === "imap" ? await probe.imap(server as ImapServer) : await probe.smtp(server as SmtpServer);
    if (!outcome.ok) throw new InputError(`config.${kind}[${i}]: ${outcome.reason}`);
    latency += outcome.latencyMs;
  }
  return { ok: true, latency_ms: latency };
}
