import { Resolver } from "node:dns/promises";
import { DnsNoRecordError, type DnsResolver } from "@helperiq/core/port/dns";

/** Answers that mean "the name has no such record", not "the look-up failed". */
const NO_RECORD_CODES = new Set(["ENODATA", "ENOTFOUND", "NXDOMAIN"]);

/** What a failed look-up's code means, in words a workspace admin can act on. */
const REASONS: Record<string, string> = {
  ETIMEOUT: "the DNS look-up timed out",
  ECONNREFUSED: "the DNS server refused the connection",
  ESERVFAIL: "the domain's DNS servers answered with a failure (SERVFAIL)",
  EREFUSED: "the domain's DNS servers refused the query",
  EBADNAME: "the name is not a valid DNS name",
};

/** A failed look-up as the port's errors: no record, or why in words. */
function lookupError(err: unknown, name: string, type: "TXT" | "CNAME"): Error {
  const code = (err as { code?: string }).code ?? "";
  if (NO_RECORD_CODES.has(code)) return new DnsNoRecordError(name, type);
  return new Error(`${REASONS[code] ?? `the DNS look-up failed (${code || "unknown error"})`} for ${name}`);
}

/**
 * TXT and CNAME look-ups over node:dns (the system's resolvers, or `servers`), with a per-try timeout so a domain whose
 * name servers do not answer fails the verification in seconds rather than hanging the request.
 */
export function createNodeDnsResolver(options: { timeoutMs?: number; servers?: string[] } = {}): DnsResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5_000, tries: 2 });
  if (options.servers?.length) resolver.setServers(options.servers);
  return {
    async txt(name) {
      try {
        return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
      } catch (err) {
        throw lookupError(err, name, "TXT");
      }
    },
    async cname(name) {
      let targets: string[];
      try {
        targets = await resolver.resolveCname(name);
      } catch (err) {
        throw lookupError(err, name, "CNAME");
      }
      if (!targets[0]) throw new DnsNoRecordError(name, "CNAME");
      return targets[0].toLowerCase().replace(/\.$/, "");
    },
  };
}
