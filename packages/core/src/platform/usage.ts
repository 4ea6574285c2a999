import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { conversations } from "../conversation/conversation.sql.ts";
import { messages } from "../conversation/message.sql.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { media } from "../media/media.sql.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";

/** What a workspace holds now, counted from the tables themselves (so it cannot drift from them). */
export type WorkspaceUsage = {
  agents: number;
  inboxes: number;
  conversations: number;
  messages: number;
  /** Bytes of stored media (uploads, attachments, avatars). */
  storage_bytes: number;
};

const EMPTY: WorkspaceUsage = { agents: 0, inboxes: 0, conversations: 0, messages: 0, storage_bytes: 0 };

/** Usage of each of `tenantIds`, one grouped query per table whatever their number. */
export async function workspaceUsage(db: Db, tenantIds: number[]): Promise<Map<number, WorkspaceUsage>> {
  const out = new Map(tenantIds.map((id) => [id, { ...EMPTY }]));
  if (!tenantIds.length) return out;
  const count = sql<number>`count(*)::int`;
  const [agentRows, inboxRows, conversationRows, messageRows, mediaRows] = await Promise.all([
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
      .select({ tenantId: conversations.tenantId, n: count })
      .from(conversations)
      .where(inArray(conversations.tenantId, tenantIds))
      .groupBy(conversations.tenantId),
    db
      .select({ tenantId: messages.tenantId, n: count })
      .from(messages)
      .where(inArray(messages.tenantId, tenantIds))
      .groupBy(messages.tenantId),
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
  put(conversationRows, "conversations");
  put(messageRows, "messages");
  put(mediaRows, "storage_bytes");
  return out;
}
