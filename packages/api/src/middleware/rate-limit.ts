import { RateLimitError } from "@helperiq/core/errors/index";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { rateBucketOf } from "../rate-buckets.ts";
import { clientIp } from "./client-ip.ts";

const WINDOW_SECONDS = 60;

/**
 * Per-IP fixed windows of a minute on the rate-limited paths (spec §3). The key holds the workspace, so
 * no counter is shared across tenants. Runs after tenant resolution.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const bucket = rateBucketOf(c.req.path);
  if (!bucket) return next();
  const { rateCounter, clock, config } = c.get("deps");
  const limit = bucket === "auth" ? config.authRateLimit : config.widgetRateLimit;
  const key = `rl:${bucket}:${c.get("tenant")?.id ?? "-"}:${clientIp(c)}`;
  const now = clock.now();
  let hit: Awaited<ReturnType<typeof rateCounter.hit>>;
  try {
    hit = await rateCounter.hit(key, WINDOW_SECONDS, now);
  } catch (err) {
    // Fail open: an outage of the counter store (DynamoDB) must not lock everyone out of signing in.
    console.error(`[${c.get("requestId")}] rate counter unavailable, not limiting ${c.req.path}:`, err);
    return next();
  }
  c.header("X-RateLimit-Limit", String(limit));
  c.header("X-RateLimit-Remaining", String(Math.max(0, limit - hit.count)));
  if (hit.count > limit) {
    // The widget runs on customers' sites: without CORS headers its script could not read this answer
    // (nor Retry-After). It carries no data, so it may go to whichever page asked.
    const origin = c.req.header("origin");
    if (bucket === "widget" && origin) {
      c.header("Access-Control-Allow-Origin", origin);
      c.header("Access-Control-Expose-Headers", "Retry-After");
      c.header("Vary", "Origin");
    }
    throw new RateLimitError(Math.max(1, Math.ceil((hit.resetAt.getTime() - now.getTime()) / 1000)));
  }
  await next();
});
