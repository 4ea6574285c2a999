import { InputError } from "../errors/index.ts";

/** One DNS label: letters, digits and inner hyphens, 1–63 characters (LDH rule; IDNs arrive as `xn--`). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Names that never reach a customer's site over the public Internet: loopback, mDNS, private-use and
 * reverse-lookup zones. A custom domain under one of them could only ever point inside a network.
 */
const NON_PUBLIC_SUFFIXES = ["localhost", "local", "internal", "lan", "home.arpa", "arpa", "invalid"];

/** The service's own names, which no workspace may claim. */
export type OwnHosts = {
  /** BASE_DOMAIN: it and its subdomains already route by slug. */
  baseDomain?: string | undefined;
  /**
   * Other hosts of the operator's (the platform API's, ROOT_URL's). They already reach this service, which
   * answers the well-known check itself, so a claim of one would verify over HTTP at once and route the
   * operator's host to a customer's workspace.
   */
  reservedHosts?: readonly string[] | undefined;
};

/**
 * A custom domain as a workspace admin typed it, normalised (lower-case, no trailing dot, IDN to punycode)
 * and checked: a fully qualified public host name of two labels or more, no scheme, port, path or IP
 * address, and none of the service's own names (`own`). Throws InputError naming `field`.
 */
export function customHostname(raw: string, own: OwnHosts, field = "hostname"): string {
  let host = raw.trim().toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (!host) throw new InputError(`${field}: required`);
  if (/[/:@?#\s\\]/.test(host)) {
    throw new InputError(`${field}: a host name only (like help.example.com), without scheme, port or path`);
  }
  if (/[^\x21-\x7e]/.test(host)) {
    // International names are stored as the ASCII form browsers send in the Host header.
    if (!URL.canParse(`http://${host}/`)) throw new InputError(`${field}: not a valid host name`);
    host = new URL(`http://${host}/`).hostname;
  }
  if (host.length > 253) throw new InputError(`${field}: longer than 253 characters`);
  const labels = host.split(".");
  if (labels.length < 2) throw new InputError(`${field}: a fully qualified name is needed (like help.example.com)`);
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    throw new InputError(
      `${field}: "${bad || "(empty)"}" is not a valid DNS label (letters, digits and inner hyphens, at most 63)`,
    );
  }
  if (/^[0-9]+$/.test(labels.at(-1)!)) throw new InputError(`${field}: an IP address is not a domain`);
  if (NON_PUBLIC_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
    throw new InputError(`${field}: ${host} is not a public domain name`);
  }
  const base = own.baseDomain?.toLowerCase();
  if (base && (host === base || host.endsWith(`.${base}`))) {
    throw new InputError(
      `${field}: ${host} is under ${base}, where workspaces are already served by their slug; add your own domain instead`,
    );
  }
  if (own.reservedHosts?.some((reserved) => reserved.toLowerCase() === host)) {
    throw new InputError(`${field}: ${host} is this service's own host; add your own domain instead`);
  }
  return host;
}
