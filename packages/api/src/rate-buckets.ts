/**
 * Which requests count against a per-IP rate limit (spec §3), by path alone: the limit applies whichever
 * family serves the path, and to unknown paths under the same prefixes. Pure data, so infra/api.ts can
 * tell which family functions need the rate table.
 */
export type RateBucket = "auth" | "widget";

const AUTH_PATHS = new Set(["/api/v1/agents/reset-password", "/api/v1/agents/set-password"]);

export function rateBucketOf(path: string): RateBucket | null {
  if (path.startsWith("/api/v1/auth/") || AUTH_PATHS.has(path)) return "auth";
  if (path.startsWith("/widget/") || path.startsWith("/api/v1/widget/")) return "widget";
  return null;
}
