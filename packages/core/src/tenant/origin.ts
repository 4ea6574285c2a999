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
 * A workspace's own origin, for links sent by mail (set-password, welcome): never a request's Host, which
 * whoever asks chooses. The default workspace's is ROOT_URL; another's is its verified custom domain, else
 * `<slug>.<BASE_DOMAIN>`, else ROOT_URL. The scheme is ROOT_URL's, or https unless cookies are not Secure.
 */
export async function canonicalWorkspaceOrigin(
  db: Db,
  tenant: { id: number; slug: string },
  routing: LinkRouting,
): Promise<string> {
  const rootUrl = routing.rootUrl ? new URL(routing.rootUrl) : undefined;
  if (rootUrl && tenant.slug === routing.defaultSlug) return rootUrl.origin;
  const scheme = rootUrl?.protocol ?? (routing.secureCookies ? "https:" : "http:");
  const custom = await firstCustomDomain(db, tenant.id);
  if (custom) return `${scheme}//${custom}`;
  if (routing.baseDomain) return `${scheme}//${tenant.slug}.${routing.baseDomain.toLowerCase()}`;
  if (rootUrl) return rootUrl.origin;
  throw new Error(
    `workspace ${tenant.slug} has no root_url setting, custom domain or BASE_DOMAIN, and ROOT_URL is not set: no origin for its mailed links`,
  );
}
