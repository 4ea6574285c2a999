/**
 * The allowed-domain rule of live-chat inboxes. The page the widget runs on is told by the browser in
 * `Origin` (every cross-origin request carries it), else `Referer`. An inbox's `allowed_domains` entries:
 *
 * - `example.com` — that host, any port and scheme;
 * - `example.com:8443` — that host and port;
 * - `*.example.com` — any subdomain of it (not the apex: list it too);
 * - `*` — anywhere (as is an empty list);
 * - `https://example.com` — a full origin is reduced to its host[:port].
 *
 * Non-browser clients can forge these headers; the check keeps other sites from embedding an inbox,
 * not a determined client out (visitor sessions and rate limits do that).
 */
export type PageOrigin = { origin: string; hostname: string; host: string };

/** The page's origin from `Origin`, else `Referer`; null when neither is an http(s) URL (absent, `null`, file:). */
export function pageOrigin(origin: string | undefined, referer: string | undefined): PageOrigin | null {
  for (const candidate of [origin, referer]) {
    if (!candidate || candidate === "null") continue;
    try {
      const url = new URL(candidate);
      if (url.protocol !== "http:" && url.protocol !== "https:") continue;
      return { origin: url.origin, hostname: url.hostname.toLowerCase(), host: url.host.toLowerCase() };
    } catch {
      // Not a URL: try the next candidate.
    }
  }
  return null;
}

export function originAllowed(allowedDomains: readonly string[], page: PageOrigin | null): boolean {
  const entries = allowedDomains.map(normalizeEntry).filter((e): e is string => e !== null);
  if (entries.length === 0 || entries.includes("*")) return true;
  if (!page) return false;
  return entries.some((entry) => {
    const target = entry.includes(":") ? page.host : page.hostname;
    if (entry.startsWith("*.")) return target.endsWith(entry.slice(1)) && target.length > entry.length - 1;
    return target === entry;
  });
}

/** `https://Example.com/` → `example.com`; `example.com:8443` stays; junk is dropped. */
function normalizeEntry(raw: string): string | null {
  const entry = raw.trim().toLowerCase();
  if (!entry) return null;
  if (entry === "*") return entry;
  if (entry.includes("://")) {
    try {
      return new URL(entry).host;
    } catch {
      return null;
    }
  }
  return entry.replace(/\/.*$/, "");
}
