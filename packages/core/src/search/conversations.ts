import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { CONVERSATION_FILTER_OPTIONS, CONVERSATION_FILTERS } from "../conversation/filters.ts";
import { listRow, selectConversationRows, type ConversationListRow } from "../conversation/list.ts";
import { visibleTo } from "../conversation/visibility.ts";
import { compileFilters } from "../filter/index.ts";
import { offsetOf, pageResult, type PageRequest, type PageResult } from "../page/index.ts";
import { users } from "../user/user.sql.ts";
import { bestMessageSnippets, conversationsWithMatchingMessages } from "./messages.ts";
import { containsPattern, escapeHtml, highlight, parseQuery, type SearchQuery } from "./query.ts";

const c = conversations;

export type ConversationHit = ConversationListRow & { snippet: string };

/** Why a conversation matched; each is one SQL condition (the lower(...) forms match the trigram indexes). */
/** The unified search looks for message hits among the conversations of this many newest matches. */
const UNIFIED_MESSAGE_CANDIDATES = 2000;

function matchConditions(ctx: Ctx, q: SearchQuery, messageCandidates?: number) {
  const pattern = containsPattern(q.needle);
  return {
    reference: q.referenceNumber === null ? sql`false` : sql`${c.referenceNumber} = ${q.referenceNumber}`,
    subject: sql`lower(${c.subject}) LIKE ${pattern}`,
    contact: sql`(lower(coalesce(${users.email}, '')) LIKE ${pattern}
      OR lower(${users.firstName} || ' ' || ${users.lastName}) LIKE ${pattern})`,
    message: sql`${c.id} IN ${conversationsWithMatchingMessages(ctx, q, messageCandidates)}`,
  };
}

/**
 * Conversations the caller sees matching by reference number, subject, contact name/email or the text of
 * any message, deduplicated (one row each), ranked reference > subject > contact > message, then by
 * last_message_at. Spam and trash are searched too; `filters` (e.g. status_id) narrow them.
 */
async function rankedIds(
  ctx: Ctx,
  q: SearchQuery,
  filters: unknown,
  limit: number,
  offset: number,
  counted: boolean,
  common: boolean,
) {
  // Paginated searches count and page through every match; the quick (uncounted) one bounds its work.
  const hit = matchConditions(ctx, q, !counted && common ? UNIFIED_MESSAGE_CANDIDATES : undefined);
  const where = and(
    eq(c.tenantId, ctx.tenantId),
    visibleTo(ctx.actor),
    compileFilters(filters, CONVERSATION_FILTERS, CONVERSATION_FILTER_OPTIONS),
    or(hit.reference, hit.subject, hit.contact, hit.message),
  );
  const score = sql`(CASE WHEN ${hit.reference} THEN 8 ELSE 0 END + CASE WHEN ${hit.subject} THEN 4 ELSE 0 END
    + CASE WHEN ${hit.contact} THEN 2 ELSE 0 END)`;
  const base = () =>
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(c).innerJoin(users, eq(users.id, c.contactId)).where(where);
  const [rows, [count]] = await Promise.all([
    ctx.db
      .select({ id: c.id, subjectHit: sql<boolean>`${hit.subject}`, contactHit: sql<boolean>`${hit.contact}` })
      .from(c)
      .innerJoin(users, eq(users.id, c.contactId))
      .where(where)
      // Message-only hits score 0 and fall back to recency; ranking them by ts_rank would rank every message.
      .orderBy(sql`${score} DESC`, sql`${c.lastMessageAt} DESC NULLS LAST`, desc(c.id))
      .limit(limit)
      .offset(offset),
    counted ? base() : Promise.resolve([{ n: 0 }]),
  ]);
  return { rows, total: Number(count!.n) };
}

async function hits(
  ctx: Ctx,
  q: SearchQuery,
  filters: unknown,
  limit: number,
  offset: number,
  counted = true,
  common = false,
) {
  const { rows: ranked, total } = await rankedIds(ctx, q, filters, limit, offset, counted, common);
  const ids = ranked.map((r) => Number(r.id));
  if (ids.length === 0) return { results: [] as ConversationHit[], total };
  const needMessageSnippet = ranked
    .filter((r) => !truthy(r.subjectHit) && !truthy(r.contactHit))
    .map((r) => Number(r.id));
  const [records, idByUuid, messageSnippets] = await Promise.all([
    selectConversationRows(ctx).where(inArray(c.id, ids)),
    ctx.db.select({ id: c.id, uuid: c.uuid }).from(c).where(inArray(c.id, ids)),
    bestMessageSnippets(ctx, q, needMessageSnippet),
  ]);
  const idOf = new Map(idByUuid.map((r) => [r.uuid, Number(r.id)]));
  const byId = new Map(records.map((r) => [idOf.get(r.uuid)!, listRow(r)]));
  const results = ranked.map((r): ConversationHit => {
    const id = Number(r.id);
    const row = byId.get(id)!;
    return { ...row, snippet: snippetOf(q, row, truthy(r.subjectHit), truthy(r.contactHit), messageSnippets.get(id)) };
  });
  return { results, total };
}

/** pg returns booleans; PGlite too, but be lenient with 't'/'f' from raw SQL expressions. */
const truthy = (v: unknown) => v === true || v === "t" || v === "true";

function snippetOf(
  q: SearchQuery,
  row: ConversationListRow,
  subjectHit: boolean,
  contactHit: boolean,
  message?: string,
): string {
  if (subjectHit) return highlight(row.subject, q.needle);
  if (contactHit) {
    const name = `${row.contact.first_name} ${row.contact.last_name}`.trim();
    return highlight(row.contact.email ? `${name} <${row.contact.email}>` : name, q.needle);
  }
  if (message) return message;
  // A reference-number hit: the subject, as is.
  return escapeHtml(row.subject);
}

export type ConversationSearch = PageRequest & { q: string; filters?: unknown };

/** `GET /api/v1/conversations/search`: a page of list rows with a `snippet`. */
export async function searchConversations(ctx: Ctx, req: ConversationSearch): Promise<PageResult<ConversationHit>> {
  const q = parseQuery(req.q);
  const { results, total } = await hits(ctx, q, req.filters, req.pageSize, offsetOf(req));
  return pageResult(results, total, req);
}

/** The best `limit` conversation hits, for the unified search. */
export async function topConversations(
  ctx: Ctx,
  q: SearchQuery,
  limit: number,
  common: boolean,
): Promise<ConversationHit[]> {
  // The unified search shows no totals: skip counting every match. Only a common query needs its message
  // candidates bounded (a rare one has few matches anyway).
  return (await hits(ctx, q, undefined, limit, 0, false, common)).results;
}
