import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { inboxes } from "../inbox/inbox.sql.ts";
import { media } from "../media/media.sql.ts";
import type { Db } from "../port/database.ts";
import { tenantTotals } from "../tenant/tenant.sql.ts";
import { users } from "../user/user.sql.ts";

/**
 * What a workspace holds now. Agents, inboxes and storage are counted from their tables (a few rows per workspace,
 * media by its size); conversations and messages, which grow without bound, come from `tenant_totals`, which
 * triggers keep in step with those tables in the writing transaction, so reading them costs one row per workspace.
 */
export type WorkspaceUsage = {
  agents: number;
  inboxes: number;
  conversations: number;
  messages: number;
  /** Bytes of stored media (uploads, attachments, avatars). */
  storage_bytes: number;
};

const EMPTY: WorkspaceUsage = { agents: 0, inboxes: 0, conversations: 0, messages: 0, storage_bytes: 0 };

/** Usage of each of `tenantIds`, one query per table whatever their number. */
export async function workspaceUsage(db: Db, tenantIds: number[]): Promise<Map<number, WorkspaceUsage>> {
  const out = new Map(tenantIds.map((id) => [id, { ...EMPTY }]));
  if (!tenantIds.length) return out;
  const count = sql<number>`count(*)::int`;
  const [agentRows, inboxRows, totalRows, mediaRows] = await Promise.all([
    db
      .select({ tenantId: users.tenantId, n: count })
      .from(users)
      .where(and(inArray(users.tenantId, tenantIds), eq(users.type, "agent"), isNull(users.deletedAt)))
      .groupBy(users.tenantId),
    db
      .select({ tenantId: inboxes.tenantId, n: count })
      .from(inboxes)
      .where(and(inArray(inboxes.tenantId, tenantIds), isNull(inboxes.deletedAt)))
      .groupBy(inboxes.tenantId),
    db
      .select({
        tenantId: tenantTotals.tenantId,
        conversations: tenantTotals.conversations,
        messages: tenantTotals.messages,
      })
      .from(tenantTotals)
      .where(inArray(tenantTotals.tenantId, tenantIds)),
    db
      .select({ tenantId: media.tenantId, n: sql<number>`coalesce(sum(${media.size}), 0)::bigint` })
      .from(media)
      .where(inArray(media.tenantId, tenantIds))
      .groupBy(media.tenantId),
  ]);
  const put = (rows: { tenantId: number; n: number | string }[], key: keyof WorkspaceUsage) => {
    // bigint sums arrive as strings from some drivers.
    for (const r of rows) out.get(r.tenantId)![key] = Number(r.n);
  };
  put(agentRows, "agents");
  put(inboxRows, "inboxes");
  for (const r of totalRows) {
    const usage = out.get(r.tenantId)!;
    usage.conversations = Number(r.conversations);
    usage.messages = Number(r.messages);
  }
  put(mediaRows, "storage_bytes");
  return out;
}
