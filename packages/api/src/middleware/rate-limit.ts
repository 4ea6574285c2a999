import { RateLimitError } from "@helperiq/core/errors/index";
import { describeError } from "@helperiq/core/errors/describe";
import { rateKey } from "@helperiq/core/tenant/rate-key";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { rateBucketOf } from "../rate-buckets.ts";
import { clientIp } from "./client-ip.ts";

const WINDOW_SECONDS = 60;

/**
 * Per-IP fixed windows of a minute on the rate-limited paths (rate-buckets.ts). The key holds the workspace, so
 * no counter is shared across tenants. Runs after tenant resolution.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const bucket = rateBucketOf(c.req.path);
  if (!bucket) return next();
  const { config } = c.get("deps");
  const limit = bucket === "auth" ? config.authRateLimit : config.widgetRateLimit;
  const hit = await countHit(c, rateKey("rl", bucket, c.get("tenant")?.id, clientIp(c)), WINDOW_SECONDS);
  if (!hit) return next();
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
    throw new RateLimitError(hit.retryAfterSeconds);
  }
  await next();
});

/**
 * Counts one request against `key`'s fixed window: the count so far and the seconds until the window
 * ends (for Retry-After). Null when the counter store is unavailable: limits fail open, since an outage
 * of the store (DynamoDB) must not lock everyone out of signing in.
 */
export async function countHit(
  c: Context<AppEnv>,
  key: string,
  windowSeconds: number,
): Promise<{ count: number; retryAfterSeconds: number } | null> {
  const { rateCounter, clock } = c.get("deps");
  const now = clock.now();
  try {
    const hit = await rateCounter.hit(key, windowSeconds, now);
    return {
      count: hit.count,
      retryAfterSeconds: Math.max(1, Math.ceil((hit.resetAt.getTime() - now.getTime()) / 1000)),
    };
  } catch (err) {
    console.error(
      `[${c.get("requestId")}] rate counter unavailable, not limiting ${c.req.path}: ${describeError(err)}`,
    );
    return null;
  }
}
