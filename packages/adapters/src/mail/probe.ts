import { ImapFlow } from "imapflow";
import { createTransport } from "nodemailer";
import type { ImapServer, SmtpServer } from "@helperiq/core/inbox/email-config";
import type { MailProbe, ProbeOutcome } from "@helperiq/core/port/mail-probe";
import { imapFlowOptions } from "./imap-options.ts";
import { smtpTransportOptions } from "./smtp-options.ts";

/** Connection tests of the inbox settings form: short, so a wrong host answers within seconds. */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/** The MailProbe port over imapflow and nodemailer, with the same client options the poller and sender use. */
export function createMailProbe(opts: { timeoutMs?: number } = {}): MailProbe {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return {
    imap: (server) => timed(server, timeoutMs, (deadline) => probeImap(server, timeoutMs, deadline)),
    smtp: (server) => timed(server, timeoutMs, (deadline) => probeSmtp(server, timeoutMs, deadline)),
  };
}

type Deadline = { onExpire(cleanup: () => void): void };

/** Runs one probe under a hard deadline (the clients' own timeouts cover single steps, not the whole test). */
async function timed(server: { host: string; port: number }, timeoutMs: number, run: (d: Deadline) => Promise<void>): Promise<ProbeOutcome> {
  const started = performance.now();
  const cleanups: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), timeoutMs);
  });
  try {
    const result = await Promise.race([run({ onExpire: (f) => void cleanups.push(f) }).then(() => "done" as const), expired]);
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

/** A failure of a step after the connection was up, already phrased for people. */
class StepFailure extends Error {}

async function probeImap(server: ImapServer, timeoutMs: number, deadline: Deadline): Promise<void> {
  const client = new ImapFlow(imapFlowOptions(server, timeoutMs));
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

async function probeSmtp(server: SmtpServer, timeoutMs: number, deadline: Deadline): Promise<void> {
  const transport = createTransport(smtpTransportOptions(server, timeoutMs));
  deadline.onExpire(() => transport.close());
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}

function mailboxFailure(err: unknown, mailbox: string): string {
  const e = err as { serverResponseCode?: string; responseText?: string; code?: string; message?: string };
  const text = serverText(e.responseText || e.message || String(err));
  if (e.serverResponseCode === "NONEXISTENT" || /doesn'?t exist|does not exist|not found|unknown mailbox|no such/i.test(text)) {
    return `mailbox "${mailbox}" does not exist`;
  }
  return `could not open mailbox "${mailbox}": ${text}`;
}

type MailError = {
  code?: string;
  message?: string;
  responseText?: string;
  response?: string;
  authenticationFailed?: boolean;
  library?: string;
  reason?: string;
};

const CONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS lookup failed)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server",
};

const TIMEOUT_CODES = new Set(["ETIMEDOUT", "CONNECT_TIMEOUT", "GREETING_TIMEOUT", "UPGRADE_TIMEOUT", "ETIMEOUT"]);

/** Certificate problems Node reports by code (the TLS layer passes them through both clients). */
const CERT_CODES = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** A sentence a person can act on, from whatever imapflow, nodemailer or the socket threw. */
export function describeFailure(err: unknown, server: { host: string; port: number }, timeoutMs: number): string {
  if (err instanceof StepFailure) return err.message;
  const e = (err ?? {}) as MailError;
  const message = e.message ?? String(err);
  const code = e.code ?? "";
  const inner = /\b(E[A-Z]{4,})\b/.exec(message)?.[1];
  if (e.authenticationFailed || code === "EAUTH") {
    const detail = serverText(e.responseText ?? e.response).replace(/^\[[A-Z]+\]\s*/, "");
    const extra = detail && !/^authentication failed\.?$/i.test(detail) ? ` (${detail})` : "";
    return `authentication failed${extra}: check the username and password`;
  }
  const connect = CONNECT_CODES[code] ?? (inner ? CONNECT_CODES[inner] : undefined);
  if (connect) return `could not connect to ${where(server)}: ${connect}`;
  if (TIMEOUT_CODES.has(code) || (inner && TIMEOUT_CODES.has(inner)) || /timeout|timed out|greeting never received/i.test(message)) {
    return `${where(server)}: timed out after ${seconds(timeoutMs)} waiting for the server`;
  }
  if (code === "ETLS" || /STARTTLS/i.test(message)) {
    const refused = /not (support|advertised|offered|recogni[sz]ed|implemented)|unrecogni[sz]ed/i.test(message);
    return `TLS handshake failed with ${where(server)}: ${refused ? "the server does not offer STARTTLS" : message}`;
  }
  if (CERT_CODES.test(code) || e.library === "SSL routines" || /\bssl\b|\btls\b|certificate|handshake/i.test(message)) {
    return `TLS handshake failed with ${where(server)}: ${tlsDetail(e)}`;
  }
  if (code === "ClosedAfterConnectText" || code === "ClosedAfterConnectTLS" || code === "NoConnection" || code === "EConnectionClosed") {
    return `${where(server)} closed the connection${code === "ClosedAfterConnectText" ? " (does it expect TLS?)" : ""}`;
  }
  const detail = serverText(e.responseText ?? e.response) || message;
  return `${where(server)}: ${detail}`;
}

function tlsDetail(e: MailError): string {
  const message = e.message ?? "";
  if (/wrong version number|packet length too long|unknown protocol/i.test(message + (e.reason ?? ""))) {
    return "the server did not answer with TLS (try STARTTLS or no TLS on this port)";
  }
  if (/self[- ]signed/i.test(message)) return "the server's certificate is self-signed (not trusted)";
  if (/expired/i.test(message)) return "the server's certificate has expired";
  if (/altname|hostname|does not match/i.test(message)) return "the server's certificate is not valid for this host name";
  return message || "unknown TLS error";
}

/** The server's own words, without the status code prefix nodemailer keeps ("535 5.7.8 …"). */
function serverText(text: string | undefined): string {
  return (text ?? "")
    .replace(/^\d{3}[ -](\d\.\d\.\d+ )?/, "")
    // Dovecot's timing suffix: "… (0.001 + 0.000 secs)."
    .replace(/\s*\([\d.]+ \+ [\d. +]+ secs\)\.?$/, "")
    .trim()
    .slice(0, 200);
}

const where = (server: { host: string; port: number }) => `${server.host}:${server.port}`;
const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);
