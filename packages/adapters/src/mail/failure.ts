import { OutboundRefusedError } from "@helperiq/core/port/outbound";

/**
 * What went wrong with a mail server, in words a person can act on, for connection tests (test-imap,
 * test-smtp) and the errors recorded by polling and sending. Never the server's own text: greetings,
 * banners and reply texts are whatever the far end chose to send (and test-imap/test-smtp would otherwise
 * read any TCP service's banner back to the caller). Reply codes and protocol tokens are kept.
 */

/** A failure of a step after the connection was up, already phrased for people. */
export class StepFailure extends Error {}

type MailError = {
  code?: string;
  message?: string;
  response?: string;
  responseText?: string;
  responseCode?: number;
  command?: string;
  serverResponseCode?: string;
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
const CERT_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** An IMAP response code (`[NONEXISTENT]`) or SMTP command name: protocol tokens, safe to repeat. */
const TOKEN = /^[A-Z][A-Z0-9 -]{0,30}$/;

export function describeFailure(err: unknown, server: { host: string; port: number }, timeoutMs: number): string {
  if (err instanceof StepFailure) return err.message;
  if (err instanceof OutboundRefusedError) return `not allowed to connect to ${where(server)}: ${err.message}`;
  const e = (err ?? {}) as MailError;
  const message = e.message ?? String(err);
  const code = e.code ?? "";
  const inner = /\b(E[A-Z]{4,})\b/.exec(message)?.[1];
  if (e.authenticationFailed || code === "EAUTH") return "authentication failed: check the username and password";
  const connect = CONNECT_CODES[code] ?? (inner ? CONNECT_CODES[inner] : undefined);
  if (connect) return `could not connect to ${where(server)}: ${connect}`;
  if (
    TIMEOUT_CODES.has(code) ||
    (inner && TIMEOUT_CODES.has(inner)) ||
    /timeout|timed out|greeting never received/i.test(message)
  ) {
    return `${where(server)}: timed out after ${seconds(timeoutMs)} waiting for the server`;
  }
  if (code === "ETLS" || /STARTTLS/i.test(message)) {
    const refused = /not (support|advertised|offered|recogni[sz]ed|implemented)|unrecogni[sz]ed/i.test(message);
    return `TLS handshake failed with ${where(server)}: ${refused ? "the server does not offer STARTTLS" : `STARTTLS did not complete${replyOf(e)}`}`;
  }
  if (CERT_CODES.test(code) || e.library === "SSL routines" || /\bssl\b|\btls\b|certificate|handshake/i.test(message)) {
    return `TLS handshake failed with ${where(server)}: ${tlsDetail(e)}`;
  }
  if (
    code === "ClosedAfterConnectText" ||
    code === "ClosedAfterConnectTLS" ||
    code === "NoConnection" ||
    code === "EConnectionClosed"
  ) {
    return `${where(server)} closed the connection${code === "ClosedAfterConnectText" ? " (does it expect TLS?)" : ""}`;
  }
  if (e.response !== undefined || e.responseCode !== undefined || e.serverResponseCode !== undefined) {
    const step = e.command && TOKEN.test(e.command) ? ` the ${e.command} command` : "";
    return `${where(server)} refused${step || " the request"}${replyOf(e)}`;
  }
  return `${where(server)}: the connection failed${TOKEN.test(code) ? ` (${code})` : ""}`;
}

/** Why a folder could not be opened read-only (the server's text is read to classify, never repeated). */
export function mailboxFailure(err: unknown, mailbox: string): string {
  const e = (err ?? {}) as MailError;
  const text = `${e.responseText ?? ""} ${e.message ?? ""}`;
  if (
    e.serverResponseCode === "NONEXISTENT" ||
    /doesn'?t exist|does not exist|not found|unknown mailbox|no such/i.test(text)
  ) {
    return `mailbox "${mailbox}" does not exist`;
  }
  return `could not open mailbox "${mailbox}": the server refused it${replyOf(e)}`;
}

/** " (reply 535)" / " (AUTHENTICATIONFAILED)": the machine-readable part of a refusal, when there is one. */
function replyOf(e: MailError): string {
  if (typeof e.responseCode === "number") return ` (reply ${e.responseCode})`;
  if (e.serverResponseCode && TOKEN.test(e.serverResponseCode)) return ` (${e.serverResponseCode})`;
  return "";
}

/** Node's own description of a TLS failure (OpenSSL's words, not the server's). */
function tlsDetail(e: MailError): string {
  const message = e.message ?? "";
  if (/wrong version number|packet length too long|unknown protocol/i.test(message + (e.reason ?? ""))) {
    return "the server did not answer with TLS (try STARTTLS or no TLS on this port)";
  }
  if (/self[- ]signed/i.test(message)) return "the server's certificate is self-signed (not trusted)";
  if (/expired/i.test(message)) return "the server's certificate has expired";
  if (/altname|hostname|does not match/i.test(message))
    return "the server's certificate is not valid for this host name";
  return e.code && TOKEN.test(e.code.replace(/_/g, " ")) ? `TLS error ${e.code}` : "the TLS handshake did not complete";
}

export const where = (server: { host: string; port: number }) => `${server.host}:${server.port}`;
export const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);
