import type { AgentActor } from "@helperiq/core/context/index";
import { RateLimitError } from "@helperiq/core/errors/index";
import { rateKey } from "@helperiq/core/tenant/rate-key";
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { countHit } from "./rate-limit.ts";

const WINDOW_SECONDS = 60;

/**
 * The workspace's `api_requests_per_minute` (TenantLimits), per credential: each agent's API key, and each
 * agent's signed-in sessions together, get their own fixed minute (the key is the agent: per API key while an
 * agent has one). Counted in the RateCounter port (memory in the embedded server, DynamoDB in Lambda), keyed by
 * workspace, so one workspace at its limit takes nothing from another's. The limit is the one the tenant
 * middleware read with the workspace for this request (no second query). Absent limit: nothing is counted.
 */
export async function enforceApiRate(c: Context<AppEnv>, actor: AgentActor): Promise<void> {
  const { id: tenantId, limits } = c.get("tenant");
  const limit = limits.api_requests_per_minute;
  if (limit === undefined) return;
  const hit = await countHit(c, rateKey("rl", "api", tenantId, actor.via, actor.userId), WINDOW_SECONDS);
  if (!hit) return;
  c.header("X-RateLimit-Limit", String(limit));
  c.header("X-RateLimit-Remaining", String(Math.max(0, limit - hit.count)));
  if (hit.count > limit) {
    const per = actor.via === "api_key" ? "API key" : "signed-in agent";
    throw new RateLimitError(
      hit.retryAfterSeconds,
      `This workspace's plan allows ${limit} API requests per minute per ${per}; retry in ${hit.retryAfterSeconds} s`,
    );
  }
}
