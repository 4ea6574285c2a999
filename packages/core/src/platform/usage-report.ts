import { and, eq, gte, lt, sql } from "drizzle-orm";
import { conversations } from "../conversation/conversation.sql.ts";
import { messages } from "../conversation/message.sql.ts";
import { InputError } from "../errors/index.ts";
import { workspaceUsage } from "./usage.ts";
import type { Db } from "../port/database.ts";
import { enabledAgents } from "../agent/seats.ts";
import { monthUsage, usageMonth } from "../quota/ai-usage.ts";
import { tenantLimits } from "../quota/limits.ts";
import type { TenantLimits } from "../tenant/tenant.sql.ts";

/**
 * One month of a workspace's usage beside its limits. Conversations and messages are those created in the
 * month, counted from their tables; agents (enabled ones: the seats `agents` limits), inboxes and storage
 * are what the workspace holds now (states, not flows); AI calls and tokens come from tenant_usage, recorded as they are spent.
 */
export type UsageReport = {
  month: string;
  conversations: number;
  messages: number;
  ai_calls: number;
  ai_tokens: number;
  agents: number;
  inboxes: number;
  storage_bytes: number;
  limits: TenantLimits;
};

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The `month` parameter (`YYYY-MM`), defaulting to `now`'s; 400 naming the field otherwise. */
export function parseUsageMonth(month: string | undefined, now: Date): string {
  if (month === undefined || month === "") return usageMonth(now);
  if (!MONTH.test(month)) throw new InputError("month: must be a month as YYYY-MM");
  return month;
}

export async function usageReport(db: Db, tenantId: number, month: string): Promise<UsageReport> {
  const [, y, m] = MONTH.exec(month)!;
  const from = new Date(Date.UTC(Number(y), Number(m) - 1, 1));
  const to = new Date(Date.UTC(Number(y), Number(m), 1));
  const count = sql<number>`count(*)::int`;
  const [[conv], [msg], held, agents, recorded, limits] = await Promise.all([
    db
      .select({ n: count })
      .from(conversations)
      .where(
        and(eq(conversations.tenantId, tenantId), gte(conversations.createdAt, from), lt(conversations.createdAt, to)),
      ),
    db
      .select({ n: count })
      .from(messages)
      .where(and(eq(messages.tenantId, tenantId), gte(messages.createdAt, from), lt(messages.createdAt, to))),
    workspaceUsage(db, [tenantId]),
    enabledAgents(db, tenantId),
    monthUsage(db, tenantId, month),
    tenantLimits(db, tenantId),
  ]);
  const now = held.get(tenantId)!;
  return {
    month,
    conversations: Number(conv!.n),
    messages: Number(msg!.n),
    ai_calls: recorded.ai_calls,
    ai_tokens: recorded.ai_tokens,
    agents,
    inboxes: now.inboxes,
    storage_bytes: now.storage_bytes,
    limits,
  };
}
