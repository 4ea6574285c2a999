import { createRemoteJWKSet, customFetch, type FetchImplementation } from "jose";

/**
 * One remote key set per URL for the life of the process (Google's, each OIDC provider's): jose caches
 * the keys in it and refetches, at most every 30 s, when a token names an unknown `kid`.
 *
 * `fetch`: how the keys are fetched. An OIDC provider's key URL comes from a workspace's configuration, so
 * it is fetched through the outbound guard (port/outbound.ts); Google's (GOOGLE_JWKS_URL) is the operator's
 * and uses jose's own fetch. Sets are kept per fetch implementation, so a guarded URL is never served
 * from an unguarded set.
 */
const unguarded = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const guarded = new WeakMap<FetchImplementation, Map<string, ReturnType<typeof createRemoteJWKSet>>>();

export function remoteKeySet(url: string, timeoutMs = 5000, fetch?: FetchImplementation) {
  let sets = unguarded;
  if (fetch) {
    sets = guarded.get(fetch) ?? new Map();
    guarded.set(fetch, sets);
  }
  let set = sets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: timeoutMs, ...(fetch ? { [customFetch]: fetch } : {}) });
    sets.set(url, set);
  }
  return set;
}
