import { canonicalWorkspaceOrigin, type LinkRouting } from "@helperiq/core/tenant/origin";
import type { Context } from "hono";
import type { AppConfig, AppEnv } from "./env.ts";

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

/** The workspace's own origin, for links sent by mail (core/tenant/origin.ts): never the request's Host. */
export async function canonicalOrigin(c: Context<AppEnv>): Promise<string> {
  const { config, database } = c.get("deps");
  return canonicalWorkspaceOrigin(database.db, c.get("tenant"), linkRouting(config));
}

/** The app's configuration as link routing (the platform API mails new workspaces' links with it too). */
export function linkRouting(config: AppConfig): LinkRouting {
  return {
    rootUrl: config.rootUrl,
    defaultSlug: config.tenantRouting.defaultSlug,
    baseDomain: config.tenantRouting.baseDomain,
    secureCookies: config.secureCookies,
  };
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
