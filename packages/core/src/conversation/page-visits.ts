import { desc, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { pageVisits } from "./conversation.sql.ts";
import { visibleConversationId, type ConversationRef } from "./get.ts";

export const MAX_PAGE_VISITS = 100;

/** The pages the contact visited during the conversation (widget tracking), newest first. */
export async function listPageVisits(ctx: Ctx, ref: ConversationRef) {
  const conversationId = await visibleConversationId(ctx, ref);
  const rows = await ctx.db
    .select()
    .from(pageVisits)
    .where(eq(pageVisits.conversationId, conversationId))
    .orderBy(desc(pageVisits.createdAt), desc(pageVisits.id))
    .limit(MAX_PAGE_VISITS);
  return rows.map((r) => ({ id: r.id, url: r.url, title: r.title, created_at: iso(r.createdAt) }));
}
