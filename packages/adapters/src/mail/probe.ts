import { ImapFlow } from "imapflow";
import { createTransport } from "nodemailer";
import type { ImapServer, SmtpServer } from "@helperiq/core/inbox/email-config";
import type { MailProbe, ProbeMessage, ProbeOutcome } from "@helperiq/core/port/mail-probe";
import type { OutboundGuard, VettedHost } from "../net/outbound-guard.ts";
import { describeFailure, mailboxFailure, seconds, StepFailure, where } from "./failure.ts";
import { imapFlowOptions } from "./imap-options.ts";
import { smtpTransportOptions } from "./smtp-options.ts";

/** Connection tests of the inbox settings form: short, so a wrong host answers within seconds. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/**
 * The MailProbe port over imapflow and nodemailer, with the same client options the poller and sender use.
 * The host goes through the outbound guard first, so a test cannot reach what polling and sending may not
 * (nor serve as a scanner of the server's own network); failures are described without the server's words.
 */
export function createMailProbe(opts: { guard: OutboundGuard; timeoutMs?: number }): MailProbe {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return {
    imap: (server) =>
      timed(server, timeoutMs, async (deadline) =>
        probeImap(server, await opts.guard.vet(server.host), timeoutMs, deadline),
      ),
    smtp: (server, message) =>
      timed(server, timeoutMs, async (deadline) =>
        probeSmtp(server, await opts.guard.vet(server.host), timeoutMs, deadline, message),
      ),
  };
}

type Deadline = { onExpire(cleanup: () => void): void };

/** Runs one probe under a hard deadline (the clients' own timeouts cover single steps, not the whole test). */
async function timed(
  server: { host: string; port: number },
  timeoutMs: number,
  run: (d: Deadline) => Promise<void>,
): Promise<ProbeOutcome> {
  const started = performance.now();
  const cleanups: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), timeoutMs);
  });
  try {
    const result = await Promise.race([
      run({ onExpire: (f) => void cleanups.push(f) }).then(() => "done" as const),
      expired,
    ]);
    if (result === "expired") {
      for (const cleanup of cleanups) cleanup();
      return { ok: false, reason: `${where(server)}: timed out after ${seconds(timeoutMs)}` };
    }
    return { ok: true, latencyMs: Math.max(1, Math.round(performance.now() - started)) };
  } catch (err) {
    return { ok: false, reason: describeFailure(err, server, timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}

async function probeImap(server: ImapServer, target: VettedHost, timeoutMs: number, deadline: Deadline): Promise<void> {
  const client = new ImapFlow(imapFlowOptions(server, target, timeoutMs));
  // A dropped connection is reported through the pending command; the event must not crash the process.
  client.on("error", () => {});
  deadline.onExpire(() => client.close());
  try {
    await client.connect();
    try {
      await client.mailboxOpen(server.mailbox || "INBOX", { readOnly: true });
    } catch (err) {
      throw new StepFailure(mailboxFailure(err, server.mailbox || "INBOX"));
    }
    await client.logout();
  } finally {
    client.close();
  }
}

async function probeSmtp(
  server: SmtpServer,
  target: VettedHost,
  timeoutMs: number,
  deadline: Deadline,
  message?: ProbeMessage,
): Promise<void> {
  const transport = createTransport(smtpTransportOptions(server, target, timeoutMs));
  deadline.onExpire(() => transport.close());
  try {
    await transport.verify();
    if (message) await transport.sendMail(message);
  } finally {
    transport.close();
  }
}
