import { PLATFORM_PREFIX } from "./routes.ts";

/**
 * Which requests count against a per-IP rate limit, by path alone: the limit applies whichever
 * family serves the path, and to unknown paths under the same prefixes. Pure data, so infra/api.ts can
 * tell which family functions need the rate table.
 */
export type RateBucket = "auth" | "widget" | "platform";

const AUTH_PATHS = new Set(["/api/v1/agents/reset-password", "/api/v1/agents/set-password"]);

export function rateBucketOf(path: string): RateBucket | null {
  if (path.startsWith("/api/v1/auth/") || AUTH_PATHS.has(path)) return "auth";
  if (path.startsWith("/widget/") || path.startsWith("/api/v1/widget/")) return "widget";
  // Counted by the platform API's own gate, once it knows the API is on (families/platform/access.ts).
  if (path.startsWith(PLATFORM_PREFIX)) return "platform";
  return null;
}

/**
 * Conversations one IP may open in one live-chat inbox per window, on top of the per-minute request limit
 * (AppConfig.widgetConversationLimit, WIDGET_CONVERSATION_LIMIT): each init without a session makes a new
 * visitor, so the per-contact cap (core/widget/conversations.ts MAX_CHATS_PER_DAY) cannot stop one address
 * opening chats without end. An hour, since a person opens a chat or two at a time; 30 of them leave room
 * for visitors sharing one address (an office, a carrier's NAT).
 */
export const WIDGET_CONVERSATION_WINDOW_SECONDS = 3600;
export const DEFAULT_WIDGET_CONVERSATION_LIMIT = 30;
