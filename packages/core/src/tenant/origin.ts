import type { Db } from "../port/database.ts";
import { firstCustomDomain } from "./resolve.ts";

/** What decides where a workspace's mailed links point (the API's AppConfig holds the same values). */
export type LinkRouting = {
  /** ROOT_URL: the default workspace's origin, and the last resort of any other. */
  rootUrl?: string | undefined;
  /** The default workspace's slug (embedded single-workspace mode). */
  defaultSlug?: string | undefined;
  baseDomain?: string | undefined;
  /** Without ROOT_URL, links are https unless cookies are not Secure (the plain-http local mode). */
  secureCookies: boolean;
};

/**
 * The origin of one of the service's hosts (a workspace's, or BASE_DOMAIN itself for sign-up), for links sent by
 * mail: ROOT_URL's scheme and port with `host`. Every host of a service is reached through the same front door
 * as ROOT_URL (one listener embedded; one proxy or API Gateway in production, where ROOT_URL names no port), so
 * its port is theirs too, whichever host ROOT_URL names. Without ROOT_URL: https unless cookies are not Secure,
 * and no port.
 */
export function serviceHostOrigin(host: string, routing: LinkRouting): string {
  const rootUrl = routing.rootUrl ? new URL(routing.rootUrl) : undefined;
  const scheme = rootUrl?.protocol ?? (routing.secureCookies ? "https:" : "http:");
  // URL.port is empty for the scheme's default port.
  return `${scheme}//${host.toLowerCase()}${rootUrl?.port ? `:${rootUrl.port}` : ""}`;
}

/**
 * A workspace's own origin, for links sent by mail (set-password, welcome, sign-up): never a request's Host,
 * which whoever asks chooses. The default workspace's is ROOT_URL; another's is its verified custom domain,
 * else `<slug>.<BASE_DOMAIN>`, else ROOT_URL; with ROOT_URL's scheme and port (serviceHostOrigin).
 */
export async function canonicalWorkspaceOrigin(
  db: Db,
  tenant: { id: number; slug: string },
  routing: LinkRouting,
): Promise<string> {
  const rootUrl = routing.rootUrl ? new URL(routing.rootUrl) : undefined;
  if (rootUrl && tenant.slug === routing.defaultSlug) return rootUrl.origin;
  const custom = await firstCustomDomain(db, tenant.id);
  if (custom) return serviceHostOrigin(custom, routing);
  if (routing.baseDomain) return serviceHostOrigin(`${tenant.slug}.${routing.baseDomain}`, routing);
  if (rootUrl) return rootUrl.origin;
  throw new Error(
    `workspace ${tenant.slug} has no root_url setting, custom domain or BASE_DOMAIN, and ROOT_URL is not set: no origin for its mailed links`,
  );
}
