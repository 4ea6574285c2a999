import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { visibleConversationId } from "../conversation/get.ts";
import { visibleTo } from "../conversation/visibility.ts";
import { iso } from "../db/iso.ts";
import { messages } from "../conversation/message.sql.ts";
import { statuses } from "../status/status.sql.ts";
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
  /** LibreDesk's names for the hit: the message's plain text and its conversation's number, status and start. */
  text_content: string;
  conversation_reference_number: number;
  conversation_status: string;
  conversation_created_at: string | null;
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

/** A query matching at least this many of a workspace's messages is "common" (see isCommonQuery). */
const COMMON_MATCHES = 2000;

/**
 * Whether `q` matches many messages of the workspace. Then walking (tenant_id, created_at) newest-first
 * finds the top hits at once; otherwise a GIN scan and a sort of the few matches is far cheaper. The
 * planner cannot tell the two apart (prefix tsqueries defeat its estimates), so one bounded probe asks.
 */
export async function isCommonQuery(ctx: Ctx, q: SearchQuery): Promise<boolean> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(
      sql`(SELECT 1 FROM ${m} WHERE ${m.tenantId} = ${ctx.tenantId} AND ${m.searchVector} @@ ${tsQuery(q)} LIMIT ${COMMON_MATCHES}) probe`,
    );
  return Number(row?.n ?? 0) >= COMMON_MATCHES;
}

/** Newest first either way; for a rare query the `+ 0` keeps the planner off the newest-first index walk. */
const newestFirst = (common: boolean) =>
  common ? [desc(m.createdAt), desc(m.id)] : [sql`${m.createdAt} + interval '0 seconds' DESC`, sql`${m.id} + 0 DESC`];

async function hits(
  ctx: Ctx,
  q: SearchQuery,
  conversationId: number | undefined,
  limit: number,
  offset: number,
  common: boolean,
) {
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
      textContent: m.textContent,
      conversationStatus: sql<string>`(SELECT ${statuses.name} FROM ${statuses} WHERE ${statuses.id} = ${c.statusId})`,
      conversationCreatedAt: c.createdAt,
    })
    .from(m)
    .innerJoin(c, eq(c.id, m.conversationId))
    .where(and(matching(ctx, q), conversationId === undefined ? undefined : eq(m.conversationId, conversationId)))
    // Newest first, not ts_rank: a common word matches a large share of a busy workspace's messages, and
    // ranking would score every one of them.
    .orderBy(...newestFirst(common))
    .limit(limit)
    .offset(offset);
  const snippets = await messageSnippets(
    ctx,
    q,
    rows.map((r) => r.id),
  );
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
      text_content: r.textContent,
      conversation_reference_number: r.referenceNumber,
      conversation_status: r.conversationStatus,
      conversation_created_at: iso(r.conversationCreatedAt),
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
  const conversationId = req.conversationUuid
    ? await visibleConversationId(ctx, { uuid: req.conversationUuid })
    : undefined;
  const [results, [count]] = await Promise.all([
    hits(
      ctx,
      q,
      conversationId,
      req.pageSize,
      offsetOf(req),
      conversationId === undefined && (await isCommonQuery(ctx, q)),
    ),
    ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(m)
      .innerJoin(c, eq(c.id, m.conversationId))
      .where(and(matching(ctx, q), conversationId === undefined ? undefined : eq(m.conversationId, conversationId))),
  ]);
  return pageResult(results, Number(count!.n), req);
}

/** The best `limit` message hits, for the unified search. */
export function topMessages(ctx: Ctx, q: SearchQuery, limit: number, common: boolean): Promise<MessageHit[]> {
  return hits(ctx, q, undefined, limit, 0, common);
}

/**
 * Ids of messages-matching conversations as a subquery (tenant-scoped; visibility is applied by the caller
 * on `conversations`). Planned as a hashed subplan: one GIN index scan, not one probe per conversation.
 * With `newest`, only the conversations of the newest that-many matching messages: a bounded amount of
 * work for a common word, walking (tenant_id, created_at) and stopping early.
 */
export const conversationsWithMatchingMessages = (ctx: Ctx, q: SearchQuery, newest?: number) =>
  newest === undefined
    ? sql`(SELECT ${m.conversationId} FROM ${m} WHERE ${m.tenantId} = ${ctx.tenantId} AND ${m.type} <> 'activity'
    AND ${m.searchVector} @@ ${tsQuery(q)})`
    : sql`(SELECT ${m.conversationId} FROM ${m} WHERE ${m.tenantId} = ${ctx.tenantId} AND ${m.type} <> 'activity'
    AND ${m.searchVector} @@ ${tsQuery(q)} ORDER BY ${m.createdAt} DESC LIMIT ${newest})`;

/** For each conversation, a highlighted snippet of its best-matching message. */
export async function bestMessageSnippets(
  ctx: Ctx,
  q: SearchQuery,
  conversationIds: number[],
): Promise<Map<number, string>> {
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
