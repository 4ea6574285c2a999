import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { visibleConversationId } from "../conversation/get.ts";
import { visibleTo } from "../conversation/visibility.ts";
import { iso } from "../db/iso.ts";
import { messages } from "../message/message.sql.ts";
import { offsetOf, pageResult, type PageRequest, type PageResult } from "../page/index.ts";
import { headline, markSnippet, parseQuery, tsQuery, type SearchQuery } from "./query.ts";

const m = messages;
const c = conversations;

export type MessageHit = {
  uuid: string;
  conversation_uuid: string;
  reference_number: number;
  subject: string;
  type: "incoming" | "outgoing";
  private: boolean;
  snippet: string;
  created_at: string | null;
};

/**
 * Messages (private notes included, activity excluded) whose text matches: the GIN-indexed `search_vector`
 * against websearch syntax or word prefixes. Tenant-scoped and limited to conversations the caller sees.
 */
function matching(ctx: Ctx, q: SearchQuery) {
  return and(
    eq(m.tenantId, ctx.tenantId),
    ne(m.type, "activity"),
    sql`${m.searchVector} @@ ${tsQuery(q)}`,
    eq(c.tenantId, ctx.tenantId),
    visibleTo(ctx.actor),
  );
}

async function hits(ctx: Ctx, q: SearchQuery, conversationId: number | undefined, limit: number, offset: number) {
  const rows = await ctx.db
    .select({
      id: m.id,
      uuid: m.uuid,
      conversationUuid: c.uuid,
      referenceNumber: c.referenceNumber,
      subject: c.subject,
      type: m.type,
      private: m.private,
      createdAt: m.createdAt,
    })
    .from(m)
    .innerJoin(c, eq(c.id, m.conversationId))
    .where(and(matching(ctx, q), conversationId === undefined ? undefined : eq(m.conversationId, conversationId)))
    // Newest first, not ts_rank: a common word matches a large share of a busy workspace's messages, and
    // ranking means scoring every one of them; recency lets the planner walk (tenant_id, created_at) and stop.
    .orderBy(desc(m.createdAt), desc(m.id))
    .limit(limit)
    .offset(offset);
  const snippets = await messageSnippets(ctx, q, rows.map((r) => r.id));
  return rows.map(
    (r): MessageHit => ({
      uuid: r.uuid,
      conversation_uuid: r.conversationUuid,
      reference_number: r.referenceNumber,
      subject: r.subject,
      type: r.type as MessageHit["type"],
      private: r.private,
      snippet: snippets.get(r.id) ?? "",
      created_at: iso(r.createdAt),
    }),
  );
}

/** Highlighted snippets of the page's messages only (ts_headline is the costly part). */
async function messageSnippets(ctx: Ctx, q: SearchQuery, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .select({ id: m.id, headline: headline(m.textContent, q) })
    .from(m)
    .where(and(eq(m.tenantId, ctx.tenantId), inArray(m.id, ids)));
  return new Map(rows.map((r) => [Number(r.id), markSnippet(r.headline)]));
}

export type MessageSearch = PageRequest & { q: string; conversationUuid?: string };

/** `GET /api/v1/messages/search`: a page of message hits, optionally within one (visible) conversation. */
export async function searchMessages(ctx: Ctx, req: MessageSearch): Promise<PageResult<MessageHit>> {
  const q = parseQuery(req.q);
  const conversationId = req.conversationUuid ? await visibleConversationId(ctx, { uuid: req.conversationUuid }) : undefined;
  const [results, [count]] = await Promise.all([
    hits(ctx, q, conversationId, req.pageSize, offsetOf(req)),
    ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(m)
      .innerJoin(c, eq(c.id, m.conversationId))
      .where(and(matching(ctx, q), conversationId === undefined ? undefined : eq(m.conversationId, conversationId))),
  ]);
  return pageResult(results, Number(count!.n), req);
}

/** The best `limit` message hits, for the unified search. */
export function topMessages(ctx: Ctx, q: SearchQuery, limit: number): Promise<MessageHit[]> {
  return hits(ctx, q, undefined, limit, 0);
}

/**
 * Ids of messages-matching conversations as a subquery (tenant-scoped; visibility is applied by the caller
 * on `conversations`). Planned as a hashed subplan: one GIN index scan, not one probe per conversation.
 */
export const conversationsWithMatchingMessages = (ctx: Ctx, q: SearchQuery) =>
  sql`(SELECT ${m.conversationId} FROM ${m} WHERE ${m.tenantId} = ${ctx.tenantId} AND ${m.type} <> 'activity'
    AND ${m.searchVector} @@ ${tsQuery(q)})`;

/** For each conversation, a highlighted snippet of its best-matching message. */
export async function bestMessageSnippets(ctx: Ctx, q: SearchQuery, conversationIds: number[]): Promise<Map<number, string>> {
  if (conversationIds.length === 0) return new Map();
  const best = ctx.db
    .selectDistinctOn([m.conversationId], { id: m.id, conversationId: m.conversationId })
    .from(m)
    .where(
      and(
        eq(m.tenantId, ctx.tenantId),
        inArray(m.conversationId, conversationIds),
        ne(m.type, "activity"),
        sql`${m.searchVector} @@ ${tsQuery(q)}`,
      ),
    )
    .orderBy(m.conversationId, sql`ts_rank(${m.searchVector}, ${tsQuery(q)}) DESC`, desc(m.createdAt), desc(m.id))
    .as("best");
  const rows = await ctx.db
    .select({ conversationId: best.conversationId, headline: headline(m.textContent, q) })
    .from(best)
    .innerJoin(m, eq(m.id, best.id));
  return new Map(rows.map((r) => [Number(r.conversationId), markSnippet(r.headline)]));
}
