import type { DnsResolver } from "../port/dns.ts";
import { DnsNoRecordError } from "../port/dns.ts";
import { OutboundRefusedError, type Outbound } from "../port/outbound.ts";

/**
 * The two ways a workspace proves it controls a custom domain. Either one is enough:
 * - DNS: a TXT record `helperiq-verification=<token>` at `_helperiq-verification.<hostname>`;
 * - HTTP: `http://<hostname>/.well-known/helperiq-domain-verification` answers the token. This service answers
 *   that path on every host with the token pending for that host (families/domains.ts), so pointing the domain
 *   at the service (a CNAME to the workspace's own address) is all the HTTP method asks of a customer.
 * The token is fresh per claim (custom-domain/domains.ts), so a record left from an earlier claim by someone
 * else proves nothing.
 */
export const WELL_KNOWN_PATH = "/.well-known/helperiq-domain-verification";
export const TXT_LABEL = "_helperiq-verification";
export const TXT_PREFIX = "helperiq-verification=";

/** Seconds one HTTP check may take, redirects included. */
const HTTP_TIMEOUT_MS = 10_000;
/** Bytes of the well-known answer read at most: a token is 32 characters. */
const MAX_ANSWER_BYTES = 1_024;

export type VerifyPorts = {
  outbound: Outbound;
  dns: DnsResolver;
  /** Port of the HTTP check (80, as in ACME's HTTP-01; redirects to https are followed). Tests use a local one. */
  httpPort?: number | undefined;
};

export const txtRecordName = (hostname: string) => `${TXT_LABEL}.${hostname}`;

export function wellKnownUrl(hostname: string, httpPort = 80): string {
  return `http://${hostname}${httpPort === 80 ? "" : `:${httpPort}`}${WELL_KNOWN_PATH}`;
}

/** Null when the TXT record carries `token`, else why not, in words. */
export async function checkDnsRecord(dns: DnsResolver, hostname: string, token: string): Promise<string | null> {
  const name = txtRecordName(hostname);
  let records: string[];
  try {
    records = await dns.txt(name);
  } catch (err) {
    return err instanceof DnsNoRecordError ? err.message : (err as Error).message;
  }
  const ours = records.filter((r) => r.startsWith(TXT_PREFIX));
  if (ours.some((r) => r.slice(TXT_PREFIX.length).trim() === token)) return null;
  return ours.length
    ? `the TXT record at ${name} holds another token than this domain's (an old claim?)`
    : `the TXT records at ${name} do not include ${TXT_PREFIX}<token>`;
}

/** Null when the well-known URL answers `token`, else why not, in words (never the remote's text). */
export async function checkWellKnown(ports: VerifyPorts, hostname: string, token: string): Promise<string | null> {
  const url = wellKnownUrl(hostname, ports.httpPort);
  let res: Response;
  try {
    res = await ports.outbound.request(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (err) {
    if (err instanceof OutboundRefusedError) return `${url} may not be fetched: ${err.message}`;
    return `${url} could not be fetched (${connectionProblem(err)})`;
  }
  const body = await readSome(res);
  if (!res.ok) return `${url} answered HTTP ${res.status}`;
  if (body.trim() !== token) {
    return `${url} answered, but not with this domain's token: point the domain at this service (see the CNAME target)`;
  }
  return null;
}

/** Why a connection failed, from the error's code (undici wraps it in `cause`), never its remote text. */
function connectionProblem(err: unknown): string {
  if ((err as Error)?.name === "TimeoutError" || (err as Error)?.name === "AbortError") return "it took too long";
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the name does not resolve";
    if (code === "ECONNREFUSED") return "the connection was refused";
    if (code === "ECONNRESET") return "the connection was reset";
    if (typeof code === "string" && /CERT|TLS|SSL/.test(code)) return "the TLS certificate was not accepted";
    if (typeof code === "string") return code;
  }
  return err instanceof TypeError ? (err.message ?? "network error") : "network error";
}

async function readSome(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, MAX_ANSWER_BYTES));
}
