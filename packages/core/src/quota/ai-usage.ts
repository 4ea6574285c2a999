import { and, eq, sql } from "drizzle-orm";
import type { ChatModel, Embedder } from "../port/ai.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import { QuotaError, tenantLimits } from "./limits.ts";
import { tenantUsage } from "../tenant/tenant.sql.ts";

/** The metrics tenant_usage holds: what cannot be counted again from other tables afterwards. */
export type UsageMetric = "ai_calls" | "ai_tokens";

/** `YYYY-MM` of `now` in UTC: usage months are calendar months in UTC. */
export function usageMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** Adds `amount` to the workspace's `metric` for `now`'s month (one upsert, safe under concurrency). */
export async function recordUsage(
  db: Db,
  tenantId: number,
  now: Date,
  metric: UsageMetric,
  amount: number,
): Promise<void> {
  if (amount <= 0) return;
  await db
    .insert(tenantUsage)
    .values({ tenantId, month: usageMonth(now), metric, value: amount })
    .onConflictDoUpdate({
      target: [tenantUsage.tenantId, tenantUsage.month, tenantUsage.metric],
      set: { value: sql`${tenantUsage.value} + ${amount}` },
    });
}

/** The workspace's recorded metrics of one month (0 for a metric nothing was recorded for). */
export async function monthUsage(db: Db, tenantId: number, month: string): Promise<Record<UsageMetric, number>> {
  const rows = await db
    .select({ metric: tenantUsage.metric, value: tenantUsage.value })
    .from(tenantUsage)
    .where(and(eq(tenantUsage.tenantId, tenantId), eq(tenantUsage.month, month)));
  const out: Record<UsageMetric, number> = { ai_calls: 0, ai_tokens: 0 };
  for (const r of rows) if (r.metric === "ai_calls" || r.metric === "ai_tokens") out[r.metric] = Number(r.value);
  return out;
}

/** The first instant of the month after `now`'s (UTC), when a monthly allowance starts again. */
function nextMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/**
 * Refuses (QuotaError, 403) an AI call once the month's `ai_calls_per_month` are spent. A 403 rather than a 429:
 * the allowance comes back with the next month, not within a retry, so the message says when.
 */
export async function assertAiCall(db: Db, tenantId: number, now: Date): Promise<void> {
  const max = (await tenantLimits(db, tenantId)).ai_calls_per_month;
  if (max === undefined) return;
  const used = (await monthUsage(db, tenantId, usageMonth(now))).ai_calls;
  if (used >= max)
    throw new QuotaError(
      "ai_calls_per_month",
      `This workspace's plan allows ${max} AI calls per month and they are used; ` +
        `AI is available again from ${nextMonth(now).toISOString().slice(0, 10)}`,
    );
}

export type MeterCtx = { db: Db; tenantId: number; clock?: Clock | undefined };

const nowOf = (ctx: MeterCtx) => ctx.clock?.now() ?? new Date();

/**
 * A cloud chat model that checks the month's allowance before each call and records the call and the tokens
 * the provider reports after it succeeds (a failed call costs the workspace nothing). The built-in local
 * provider is not metered: it runs on the server by rule and costs no provider spend.
 */
export function meterChat(ctx: MeterCtx, chat: ChatModel): ChatModel {
  if (chat.provider === "local") return chat;
  return {
    provider: chat.provider,
    model: chat.model,
    async complete(input) {
      await assertAiCall(ctx.db, ctx.tenantId, nowOf(ctx));
      const result = await chat.complete(input);
      const now = nowOf(ctx);
      await recordUsage(ctx.db, ctx.tenantId, now, "ai_calls", 1);
      await recordUsage(ctx.db, ctx.tenantId, now, "ai_tokens", result.tokens ?? 0);
      return result;
    },
  };
}

/** A cloud embedder metered as meterChat: one call per `embed` (whatever the batch); the port reports no tokens. */
export function meterEmbedder(ctx: MeterCtx, embedder: Embedder): Embedder {
  if (embedder.provider === "local") return embedder;
  return {
    provider: embedder.provider,
    model: embedder.model,
    dimensions: embedder.dimensions,
    async embed(texts, signal) {
      await assertAiCall(ctx.db, ctx.tenantId, nowOf(ctx));
      const vectors = await embedder.embed(texts, signal);
      await recordUsage(ctx.db, ctx.tenantId, nowOf(ctx), "ai_calls", 1);
      return vectors;
    },
  };
}
