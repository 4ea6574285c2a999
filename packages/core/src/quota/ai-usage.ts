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
 * Takes one of the month's `ai_calls_per_month` before the provider is asked, or refuses (QuotaError, 403; a
 * 403 rather than a 429: the allowance comes back with the next month, not within a retry, so the message says
 * when). The take is one conditional upsert (`value < max`), so concurrent calls cannot pass the limit
 * together, as a read-then-call would let them. Returns what gives the call back (a failed call costs nothing).
 * Without a limit the call is simply counted.
 */
export async function reserveAiCall(db: Db, tenantId: number, now: Date): Promise<() => Promise<void>> {
  const max = (await tenantLimits(db, tenantId)).ai_calls_per_month;
  const month = usageMonth(now);
  const [taken] =
    max !== undefined && max < 1
      ? []
      : await db
          .insert(tenantUsage)
          .values({ tenantId, month, metric: "ai_calls", value: 1 })
          .onConflictDoUpdate({
            target: [tenantUsage.tenantId, tenantUsage.month, tenantUsage.metric],
            set: { value: sql`${tenantUsage.value} + 1` },
            ...(max === undefined ? {} : { setWhere: sql`${tenantUsage.value} < ${max}` }),
          })
          .returning({ value: tenantUsage.value });
  if (!taken)
    throw new QuotaError(
      "ai_calls_per_month",
      `This workspace's plan allows ${max} AI calls per month and they are used; ` +
        `AI is available again from ${nextMonth(now).toISOString().slice(0, 10)}`,
    );
  return async () => {
    await db
      .update(tenantUsage)
      .set({ value: sql`${tenantUsage.value} - 1` })
      .where(and(eq(tenantUsage.tenantId, tenantId), eq(tenantUsage.month, month), eq(tenantUsage.metric, "ai_calls")));
  };
}

export type MeterCtx = { db: Db; tenantId: number; clock?: Clock | undefined };

const nowOf = (ctx: MeterCtx) => ctx.clock?.now() ?? new Date();

/** Runs `call` on one reserved AI call (reserveAiCall), giving it back when the call fails. */
async function metered<T>(ctx: MeterCtx, call: () => Promise<T>): Promise<{ result: T; at: Date }> {
  const at = nowOf(ctx);
  const giveBack = await reserveAiCall(ctx.db, ctx.tenantId, at);
  try {
    return { result: await call(), at };
  } catch (err) {
    await giveBack();
    throw err;
  }
}

/**
 * A cloud chat model that takes one of the month's calls before each call (reserveAiCall) and adds the tokens
 * the provider reports after it succeeds (a failed call is given back: it costs the workspace nothing). The built-in local
 * provider is not metered: it runs on the server by rule and costs no provider spend.
 */
export function meterChat(ctx: MeterCtx, chat: ChatModel): ChatModel {
  if (chat.provider === "local") return chat;
  return {
    provider: chat.provider,
    model: chat.model,
    async complete(input) {
      const { result, at } = await metered(ctx, () => chat.complete(input));
      await recordUsage(ctx.db, ctx.tenantId, at, "ai_tokens", result.tokens ?? 0);
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
      return (await metered(ctx, () => embedder.embed(texts, signal))).result;
    },
  };
}
