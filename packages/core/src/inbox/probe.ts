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
  if (serversOf(state, kind).length === 0) throw new InputError(`config.${kind}: no ${label} server configured`);
  return { ok: true, latency_ms: await probeServers(probe, state, kind) };
}

/**
 * LibreDesk's "test connection" of the inbox form before it is saved (`POST /inboxes/test`, the create
 * body): the form's IMAP servers (if any), then its SMTP servers, validated as a create would; nothing is stored.
 * The first failing server is a 400 naming it, like the saved inbox's tests.
 */
export async function testUnsavedInbox(
  probe: MailProbe,
  input: { channel: string; from?: string | undefined; config?: Record<string, unknown> | undefined },
): Promise<{ ok: true; latency_ms: number }> {
  if (input.channel !== "email") throw new InputError(`channel: a ${input.channel} inbox has no servers to test`);
  const config = input.config ?? {};
  const state = channelState("email", config, fromOf(input.from, config, ""), { config: {}, from: "", secrets: {} });
  // The email config requires an SMTP server (channelState): there is always something to test.
  const latency = (await probeServers(probe, state, "imap")) + (await probeServers(probe, state, "smtp"));
  return { ok: true, latency_ms: latency };
}

type ServerState = { config: Record<string, unknown>; secrets: { imap?: string[]; smtp?: string[] } };

/** A validated config's servers of `kind`, each with its password. */
function serversOf(state: ServerState, kind: ProbeKind) {
  const passwords = state.secrets[kind] ?? [];
  return ((state.config as Partial<EmailConfig>)[kind] ?? []).map((server, i) => ({ ...server, password: passwords[i] ?? "" }));
}

/** Tries each server in order; the first failure is a 400 naming it. Answers the summed latency. */
async function probeServers(probe: MailProbe, state: ServerState, kind: ProbeKind): Promise<number> {
  let latency = 0;
  for (const [i, server] of serversOf(state, kind).entries()) {
    const outcome = kind === "imap" ? await probe.imap(server as ImapServer) : await probe.smtp(server as SmtpServer);
    if (!outcome.ok) throw new InputError(`config.${kind}[${i}]: ${outcome.reason}`);
    latency += outcome.latencyMs;
  }
  return latency;
}
