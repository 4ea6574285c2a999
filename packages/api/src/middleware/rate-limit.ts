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
  // The platform API counts its own, after its 404 gate: an API that is off must not show a rate limit.
  if (!bucket || bucket === "platform") return next();
  const { config } = c.get("deps");
  const limit = bucket === "auth" ? config.authRateLimit : config.widgetRateLimit;
  const hit = await countHit(c, rateKey("rl", bucket, c.get("tenant")?.id, clientIp(c)), WINDOW_SECONDS);
  if (!hit) return next();
  c.header("X-RateLimit-Limit", String(limit));
  c.header("X-RateLimit-Remaining", String(Math.max(0, limit - hit.count)));
  if (hit.count > limit) {
    if (bucket === "widget") exposeErrorToWidget(c);
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

/**
 * The widget runs on customers' sites: without CORS headers its script could not read an error answered
 * before the widget family's own CORS handling (a 429, a suspended workspace's 403), nor Retry-After. Such
 * an answer carries no data, so it may go to whichever page asked.
 */
export function exposeErrorToWidget(c: Context<AppEnv>): void {
  const origin = c.req.header("origin");
  if (!origin) return;
  c.header("Access-Control-Allow-Origin", origin);
  c.header("Access-Control-Expose-Headers", "Retry-After");
  c.header("Vary", "Origin");
}
