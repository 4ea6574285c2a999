import { z } from "zod";
import { AuthError } from "../errors/index.ts";
import { OutboundRefusedError, type Outbound } from "../port/outbound.ts";
import { isAllowedUrl, withoutTrailingSlash } from "./urls.ts";

/** Every call to a provider (discovery, keys, token exchange) gives up after this long. */
export const PROVIDER_TIMEOUT_MS = 5_000;
const CACHE_MS = 5 * 60_000;

export type OidcEndpoints = { issuer: string; authorizationEndpoint: string; tokenEndpoint: string; jwksUri: string };

const discoveryDocument = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
});

/**
 * Discovered endpoints by issuer URL. Workspaces using the same provider share an entry: it holds only what
 * that URL publishes to anyone, nothing of a workspace. Failures (refusals included) are not kept.
 */
const cache = new Map<string, { expiresAt: number; endpoints: Promise<OidcEndpoints> }>();

/**
 * The endpoints of the provider at `providerUrl`, from its `/.well-known/openid-configuration`, fetched
 * through the outbound guard: the URL is a workspace's configuration.
 */
export function discoverProvider(outbound: Outbound, providerUrl: string): Promise<OidcEndpoints> {
  const now = Date.now();
  const hit = cache.get(providerUrl);
  if (hit && hit.expiresAt > now) return hit.endpoints;
  for (const [url, entry] of cache) if (entry.expiresAt <= now) cache.delete(url);
  const endpoints = fetchEndpoints(outbound, providerUrl);
  cache.set(providerUrl, { expiresAt: now + CACHE_MS, endpoints });
  endpoints.catch(() => {
    if (cache.get(providerUrl)?.endpoints === endpoints) cache.delete(providerUrl);
  });
  return endpoints;
}

async function fetchEndpoints(outbound: Outbound, providerUrl: string): Promise<OidcEndpoints> {
  let body: unknown;
  try {
    const res = await outbound.request(`${providerUrl}/.well-known/openid-configuration`, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    body = await res.json();
  } catch (err) {
    throw providerUnreachable(err);
  }
  const doc = discoveryDocument.safeParse(body);
  if (!doc.success) throw new AuthError("The sign-in provider's configuration is incomplete");
  const { issuer, authorization_endpoint, token_endpoint, jwks_uri } = doc.data;
  // OpenID Connect Discovery §4.3: the document must be for the issuer it was fetched from (no mix-up).
  if (withoutTrailingSlash(issuer) !== providerUrl) throw new AuthError("The sign-in provider names another issuer");
  if (![authorization_endpoint, token_endpoint, jwks_uri].every(isAllowedUrl)) {
    throw new AuthError("The sign-in provider's endpoints must be https URLs");
  }
  return { issuer, authorizationEndpoint: authorization_endpoint, tokenEndpoint: token_endpoint, jwksUri: jwks_uri };
}

/** The sign-in's answer when a provider call failed: the refusal's words, or that it could not be reached. */
export function providerUnreachable(err: unknown): AuthError {
  if (err instanceof OutboundRefusedError)
    return new AuthError(`The sign-in provider may not be contacted: ${err.message}`);
  return new AuthError("The sign-in provider could not be reached");
}
