import { createRemoteJWKSet } from "jose";

/**
 * One remote key set per URL for the life of the process (Google's, each OIDC provider's): jose caches
 * the keys in it and refetches, at most every 30 s, when a token names an unknown `kid`.
 */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export function remoteKeySet(url: string, timeoutMs = 5000) {
  let set = keySets.get(url);
  if (!set) keySets.set(url, (set = createRemoteJWKSet(new URL(url), { timeoutDuration: timeoutMs })));
  return set;
}
