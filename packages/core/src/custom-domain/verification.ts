import type { DnsResolver } from "../port/dns.ts";
import { DnsNoRecordError } from "../port/dns.ts";
import { OutboundRefusedError, type Outbound } from "../port/outbound.ts";

/**
 * The two ways a workspace proves it controls a custom domain. Either one is enough:
 * - DNS: a TXT record `helperiq-verification=<token>` at `_helperiq-verification.<hostname>`;
 * - HTTP: the name is a CNAME to the claiming workspace's own address (`<slug>.<BASE_DOMAIN>`), and
 *   `http://<hostname>/.well-known/helperiq-domain-verification` answers the token. This service answers that
 *   path on every host with the token pending for that host (families/domains.ts), so the answer alone only
 *   proves that the name reaches this service, which a dangling CNAME or one set for another workspace does
 *   too; the CNAME's target is what says which workspace the name's owner meant. A name with no CNAME (an
 *   apex) or one to elsewhere, and any name on a service without BASE_DOMAIN, can only use DNS.
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

/**
 * Null when `hostname` is a CNAME to `target` (the claiming workspace's own address; null without BASE_DOMAIN),
 * else why the HTTP proof cannot be used, in words that send the admin to the DNS TXT record.
 */
export async function checkCname(dns: DnsResolver, hostname: string, target: string | null): Promise<string | null> {
  if (!target) {
    return "this service has no address of its own for workspaces (BASE_DOMAIN is not set), so only the DNS TXT record can prove the domain";
  }
  let found: string;
  try {
    found = await dns.cname(hostname);
  } catch (err) {
    if (!(err instanceof DnsNoRecordError)) return `the CNAME look-up of ${hostname} failed: ${(err as Error).message}`;
    return `${hostname} has no CNAME record; the HTTP proof needs a CNAME to ${target}, and a name that cannot have one (an apex, like example.com) must use the DNS TXT record`;
  }
  if (found === target.toLowerCase()) return null;
  return `${hostname} is a CNAME to ${found}, not to ${target}; the HTTP proof needs a CNAME to this workspace's own address, otherwise use the DNS TXT record`;
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
