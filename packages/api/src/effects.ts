import type { Effects } from "@helperiq/core/port/index";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/**
 * Publishes side effects after commit (ARCHITECTURE rule 4): domain events for realtime, queue messages
 * for background work (notifications, delivery, mail). Call it after the operation returned.
 */
export async function publishEffects(c: Context<AppEnv>, effects: Partial<Effects>): Promise<void> {
  const { queue, events } = c.get("deps");
  for (const message of effects.messages ?? []) await queue.send(message);
  if (effects.events?.length) await events.publish(effects.events);
}
