import { RateLimitError } from "@helperiq/core/errors/index";
import { rateKey } from "@helperiq/core/tenant/rate-key";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env.ts";
import { clientIp } from "../../middleware/client-ip.ts";
import { countHit } from "../../middleware/rate-limit.ts";
import { DEFAULT_WIDGET_CONVERSATION_LIMIT, WIDGET_CONVERSATION_WINDOW_SECONDS } from "../../rate-buckets.ts";
import { accessOf } from "./access.ts";

/**
 * Caps the conversations one IP opens in one live-chat inbox (rate-buckets.ts): 429 with Retry-After once
 * the window's allowance is used. Goes after the widget guard and body validation, so a refused or
 * malformed request does not use it up; the guard's CORS headers let the widget read the answer.
 */
export const widgetConversationLimit = createMiddleware<AppEnv>(async (c, next) => {
  const limit = c.get("deps").config.widgetConversationLimit ?? DEFAULT_WIDGET_CONVERSATION_LIMIT;
  const key = rateKey("rl", "widget-conversation", c.get("tenant").id, accessOf(c).inbox.id, clientIp(c));
  const hit = await countHit(c, key, WIDGET_CONVERSATION_WINDOW_SECONDS);
  if (hit && hit.count > limit) throw new RateLimitError(hit.retryAfterSeconds);
  await next();
});
