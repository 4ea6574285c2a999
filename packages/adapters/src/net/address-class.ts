import ipaddr from "ipaddr.js";
import { isIP } from "node:net";

/**
 * Which addresses a workspace may make this process connect to: public unicast only. Everything else is a
 * way into the machine or its network (loopback, private and link-local ranges, the cloud metadata service
 * at 169.254.169.254, CGNAT) or not a single host (multicast, broadcast, unspecified), or an IPv6 form that
 * carries an IPv4 address past a check of IPv4 ranges (IPv4-mapped and -compatible, NAT64, 6to4, Teredo).
 * ipaddr.js keeps the table of special-purpose ranges; what it calls `unicast` is allowed.
 */
const REFUSED_RANGES: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private network address",
  uniqueLocal: "a private network address (IPv6 unique local)",
  linkLocal: "a link-local address",
  carrierGradeNat: "a carrier-grade NAT address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  unspecified: "an unspecified address",
  ipv4Mapped: "an IPv4-mapped IPv6 address",
  rfc6145: "an IPv4-translated IPv6 address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
};

/** Why `address` (an IP literal in any form ipaddr.js parses) is refused, in words, or null for a public address. */
export function addressRefusal(address: string): string | null {
  const range = ipaddr.parse(address).range();
  if (range === "unicast") return null;
  return REFUSED_RANGES[range] ?? `a special-purpose address (${range})`;
}

/**
 * The host as a connection would use it, through the WHATWG URL host parser: names lower-cased and
 * IDNA-encoded, and every IPv4 spelling that resolvers accept (`2130706433`, `0x7f000001`, `0177.0.0.1`,
 * `127.1`) turned into the dotted address it means; IPv6 without brackets. Null for what is not a host
 * (a scheme, port, path, credentials or characters no host name has).
 */
export function canonicalHost(host: string): string | null {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare === "" || /[/@?#\\\s%]/.test(bare) || (bare.includes(":") && isIP(bare) !== 6)) return null;
  let parsed: string;
  try {
    parsed = new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}/`).hostname;
  } catch {
    return null;
  }
  return parsed.startsWith("[") ? parsed.slice(1, -1) : parsed;
}

/** `localhost` and `*.localhost` mean this machine whatever DNS says (RFC 6761 §6.3). */
export function isLocalhostName(host: string): boolean {
  const name = host.replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}
