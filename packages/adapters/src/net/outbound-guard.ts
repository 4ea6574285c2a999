import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { OutboundRefusedError, type Outbound } from "@helperiq/core/port/outbound";
import { addressRefusal, canonicalHost, isLocalhostName } from "./address-class.ts";
import { parseAllowList } from "./allow-list.ts";
import { guardedFetch } from "./guarded-fetch.ts";
import { pinnedAgent } from "./pinned-agent.ts";

/** A name's addresses, as `dns.lookup(name, {all: true})` gives them. */
export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

/** A host that may be reached: the addresses that were checked (IPv4 first), to connect to and nothing else. */
export type VettedHost = {
  /** The canonical host (lower-case name, or the IP literal without brackets). */
  host: string;
  addresses: string[];
  /** The name to present for TLS (SNI and certificate check) when connecting to an address; undefined for IP literals. */
  servername: string | undefined;
};

export type OutboundGuard = Outbound & {
  /** Resolves and checks `host`; throws OutboundRefusedError, or the resolver's error when the name does not resolve. */
  vet(host: string): Promise<VettedHost>;
};

export type OutboundGuardOptions = {
  /** OUTBOUND_ALLOW_HOSTS: comma-separated (or listed) host names, IP addresses and CIDR ranges; default none. */
  allow?: string | readonly string[] | undefined;
  /** Name resolution; `dns.lookup` by default. Tests inject one to map names to addresses without /etc/hosts. */
  resolve?: Resolve | undefined;
  /** Connect timeout of one HTTP connection attempt; default 10 s. */
  connectTimeoutMs?: number | undefined;
};

const systemResolve: Resolve = (host) => lookup(host, { all: true, verbatim: true });

const HINT = "workspaces may not connect to it (an operator can allow it with OUTBOUND_ALLOW_HOSTS)";

/**
 * The one guard for every connection made on a workspace's behalf (see core/port/outbound.ts). Each
 * connection resolves its host once, checks every address, and connects only to a checked one: there is
 * no second lookup an attacker's DNS could answer differently (rebinding). HTTP goes through an undici
 * agent whose connector does exactly that; mail clients are given the checked address as their host and
 * the name as their TLS servername (mail/imap-options.ts, mail/smtp-options.ts).
 */
export function createOutboundGuard(options: OutboundGuardOptions = {}): OutboundGuard {
  const allow = parseAllowList(options.allow);
  const resolve = options.resolve ?? systemResolve;

  async function vet(raw: string): Promise<VettedHost> {
    const host = canonicalHost(raw);
    if (!host) throw new OutboundRefusedError(`"${raw}" is not a host name or IP address`);
    const literal = isIP(host) !== 0;
    const named = allow.hasName(host);
    if (!literal && !named && isLocalhostName(host))
      throw new OutboundRefusedError(`${host} is this machine (a loopback name); ${HINT}`);
    const found = literal ? [{ address: host, family: isIP(host) }] : await resolve(host);
    if (found.length === 0) throw Object.assign(new Error(`${host}: no address found`), { code: "ENOTFOUND" });
    for (const { address } of found) {
      if (named || allow.hasAddress(address)) continue;
      const why = addressRefusal(address);
      if (!why) continue;
      // "2130706433 (127.0.0.1)": the admin sees both what they typed and what it means.
      const shown = raw.replace(/^\[(.*)\]$/, "$1").toLowerCase() === host ? host : `${raw} (${host})`;
      throw new OutboundRefusedError(
        literal ? `${shown} is ${why}; ${HINT}` : `${shown} resolves to ${address}, ${why}; ${HINT}`,
      );
    }
    // One refused address refuses the name (above), so any order is safe; IPv4 first as the mail clients did.
    const addresses = [...found]
      .sort((a, b) => (a.family === b.family ? 0 : a.family === 4 ? -1 : 1))
      .map((a) => a.address);
    return { host, addresses, servername: literal ? undefined : host };
  }

  let agent: ReturnType<typeof pinnedAgent> | undefined;
  return {
    vet,
    async refusal(host) {
      try {
        await vet(host);
        return null;
      } catch (err) {
        if (err instanceof OutboundRefusedError) return err.message;
        return null; // Unresolvable now: checked again on every connection.
      }
    },
    request(url, init) {
      agent ??= pinnedAgent(vet, options.connectTimeoutMs ?? 10_000);
      return guardedFetch(agent, url, init);
    },
  };
}
