import { and, desc, eq, notInArray, sql } from "drizzle-orm";
import { conversations, pageVisits } from "../conversation/conversation.sql.ts";
import { MAX_PAGE_VISITS } from "../conversation/page-visits.ts";
import type { Db } from "../port/database.ts";
import type { WidgetSession } from "./session.ts";

/** A page the visitor is on, as the widget reports it (`page` in init, message and update-last-seen bodies). */
export type PageVisit = { url: string; title?: string | undefined };

export const MAX_PAGE_URL_LENGTH = 2048;
export const MAX_PAGE_TITLE_LENGTH = 300;

/**
 * Records a page visit on a conversation (what agents read at `/conversations/{uuid}/page-visits`). The same
 * URL as the latest visit is not repeated (the widget reports on every message), and only the newest
 * MAX_PAGE_VISITS are kept per conversation, so a chatty page cannot grow the table without bound.
 */
export async function recordPageVisit(
  db: Db,
  tenantId: number,
  conversationId: number,
  page: PageVisit,
  now: Date,
): Promise<boolean> {
  const url = page.url.slice(0, MAX_PAGE_URL_LENGTH);
  const title = (page.title ?? "").trim().slice(0, MAX_PAGE_TITLE_LENGTH);
  const [latest] = await db
    .select({ url: pageVisits.url })
    .from(pageVisits)
    .where(eq(pageVisits.conversationId, conversationId))
    .orderBy(desc(pageVisits.createdAt), desc(pageVisits.id))
    .limit(1);
  if (latest?.url === url) return false;
  await db.insert(pageVisits).values({ tenantId, conversationId, url, title, createdAt: now });
  const keep = db
    .select({ id: pageVisits.id })
    .from(pageVisits)
    .where(eq(pageVisits.conversationId, conversationId))
    .orderBy(desc(pageVisits.createdAt), desc(pageVisits.id))
    .limit(MAX_PAGE_VISITS);
  await db
    .delete(pageVisits)
    .where(and(eq(pageVisits.conversationId, conversationId), notInArray(pageVisits.id, keep)));
  return true;
}

/**
 * A page visit reported without a conversation (the widget socket's `page_visit`): recorded on the
 * session's most recently active conversation in its inbox; nothing when the visitor has none yet.
 */
export async function recordSessionPageVisit(
  db: Db,
  session: WidgetSession,
  page: PageVisit,
  now: Date,
): Promise<boolean> {
  const [latest] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, session.tenantId),
        eq(conversations.contactId, session.contactId),
        eq(conversations.inboxId, session.inboxId),
      ),
    )
    .orderBy(desc(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`))
    .limit(1);
  if (!latest) return false;
  return recordPageVisit(db, session.tenantId, latest.id, page, now);
}
