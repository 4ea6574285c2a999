import ipaddr from "ipaddr.js";
import { isIP } from "node:net";
import { canonicalHost } from "./address-class.ts";

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * The operator's exceptions (OUTBOUND_ALLOW_HOSTS): host names, IP addresses and CIDR ranges that workspaces
 * may reach although they are not public, e.g. a self-hoster's LAN mail server or `127.0.0.1` in tests.
 * A listed name is allowed whatever it resolves to; an address is allowed when it lies in a listed range.
 */
export type AllowList = {
  hasName(host: string): boolean;
  hasAddress(address: string): boolean;
};

/** Parses the comma-separated setting; a malformed entry is an Error naming it (the server refuses to start). */
export function parseAllowList(spec: string | readonly string[] | undefined): AllowList {
  const entries = (typeof spec === "string" ? spec.split(",") : (spec ?? [])).map((e) => e.trim()).filter(Boolean);
  const names = new Set<string>();
  const ranges: Cidr[] = [];
  for (const entry of entries) {
    if (entry.includes("/")) {
      if (!ipaddr.isValidCIDR(entry)) throw new Error(`OUTBOUND_ALLOW_HOSTS: "${entry}" is not a valid CIDR range`);
      ranges.push(ipaddr.parseCIDR(entry));
      continue;
    }
    const host = canonicalHost(entry);
    if (host && isIP(host)) {
      const address = ipaddr.parse(host);
      ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else if (host && /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?\.?$/.test(host)) {
      names.add(host.replace(/\.$/, ""));
    } else {
      throw new Error(`OUTBOUND_ALLOW_HOSTS: "${entry}" is not a host name, IP address or CIDR range`);
    }
  }
  return {
    hasName: (host) => names.has(host.toLowerCase().replace(/\.$/, "")),
    hasAddress(address) {
      const parsed = ipaddr.parse(address);
      // ::ffff:10.0.0.5 reaches 10.0.0.5: an allowed IPv4 range allows its mapped form too.
      const forms =
        parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
          ? [parsed, (parsed as ipaddr.IPv6).toIPv4Address()]
          : [parsed];
      return ranges.some(([range, bits]) =>
        forms.some((form) => form.kind() === range.kind() && form.match(range, bits)),
      );
    },
  };
}
