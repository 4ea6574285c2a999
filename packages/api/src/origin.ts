import { firstCustomDomain } from "@helperiq/core/tenant/resolve";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/**
 * Scheme and host the client used to reach this workspace: the request URL, or behind a trusted proxy
 * (AppConfig.trustForwardedHost) the first X-Forwarded-Proto / X-Forwarded-Host, read like tenant resolution.
 */
export function workspaceOrigin(c: Context<AppEnv>): string {
  const request = new URL(c.req.url);
  const host = c.req.header("host") ?? request.host;
  if (!c.get("deps").config.trustForwardedHost) return `${request.protocol}//${host}`;
  const first = (header: string) => c.req.header(header)?.split(",")[0]?.trim() || undefined;
  const proto = first("x-forwarded-proto");
  const scheme = proto === "http" || proto === "https" ? proto : request.protocol.slice(0, -1);
  return `${scheme}://${first("x-forwarded-host") ?? host}`;
}

/**
 * The workspace's own origin, for links sent by mail (password reset, welcome): never the request's Host,
 * which whoever asks for a reset chooses (with a default workspace, any Host reaches it). The default
 * workspace's is ROOT_URL; another's is its custom domain, else `<slug>.<BASE_DOMAIN>`, else ROOT_URL. The
 * scheme is ROOT_URL's, or https unless cookies are not Secure (the plain-http local mode).
 */
export async function canonicalOrigin(c: Context<AppEnv>): Promise<string> {
  const { config, database } = c.get("deps");
  const tenant = c.get("tenant");
  const rootUrl = config.rootUrl ? new URL(config.rootUrl) : undefined;
  if (rootUrl && tenant.slug === config.tenantRouting.defaultSlug) return rootUrl.origin;
  const scheme = rootUrl?.protocol ?? (config.secureCookies ? "https:" : "http:");
  const custom = await firstCustomDomain(database.db, tenant.id);
  if (custom) return `${scheme}//${custom}`;
  if (config.tenantRouting.baseDomain)
    return `${scheme}//${tenant.slug}.${config.tenantRouting.baseDomain.toLowerCase()}`;
  if (rootUrl) return rootUrl.origin;
  throw new Error(
    `workspace ${tenant.slug} has no root_url setting, custom domain or BASE_DOMAIN, and ROOT_URL is not set: no origin for its mailed links`,
  );
}

/**
 * Whether a GET is the browser navigating from this workspace's own pages (or from the address bar):
 * Sec-Fetch-Site/-Dest where the browser sends them, else an Origin or Referer on the request's host. A
 * request that shows none of these (a bare script, a privacy proxy) does not count.
 */
export function isSameOriginNavigation(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) {
    const dest = c.req.header("sec-fetch-dest");
    return (site === "same-origin" || site === "none") && (dest === undefined || dest === "document");
  }
  const from = c.req.header("origin") ?? c.req.header("referer");
  if (!from) return false;
  try {
    // Host only: behind a TLS-terminating proxy the request URL says http where the page said https.
    return new URL(from).host === new URL(workspaceOrigin(c)).host;
  } catch {
    return false; // "null" or a malformed value
  }
}
