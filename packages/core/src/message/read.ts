import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { visibleConversationId, type ConversationRef } from "../conversation/get.ts";
import { NotFoundError } from "../errors/index.ts";
import { offsetOf, pageResult, type PageRequest, type PageResult } from "../page/index.ts";
import { messages, type MESSAGE_TYPES } from "../conversation/message.sql.ts";
import { messageViews, selectMessageRows, type MessageView } from "./view.ts";

const m = messages;

export type MessageListQuery = PageRequest & {
  types?: (typeof MESSAGE_TYPES)[number][] | undefined;
  private?: boolean | undefined;
};

/**
 * A conversation's messages, newest first (as LibreDesk pages them: the UI loads the latest page and
 * scrolls back), filtered by `types` and `private`. The conversation must be visible to the caller.
 */
export async function listMessages(
  ctx: Ctx,
  ref: ConversationRef,
  q: MessageListQuery,
): Promise<PageResult<MessageView>> {
  const conversationId = await visibleConversationId(ctx, ref);
  const where = and(
    eq(m.tenantId, ctx.tenantId),
    eq(m.conversationId, conversationId),
    q.types?.length ? inArray(m.type, q.types) : undefined,
    q.private === undefined ? undefined : eq(m.private, q.private),
  );
  const [rows, [count]] = await Promise.all([
    selectMessageRows(ctx).where(where).orderBy(desc(m.createdAt), desc(m.id)).limit(q.pageSize).offset(offsetOf(q)),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(m).where(where),
  ]);
  return pageResult(await messageViews(ctx, rows), count!.n, q);
}

export type MessageRef = { conversationUuid: string; messageUuid: string };

/** The stored message of a visible conversation, or 404 (other conversations' and workspaces' alike). */
export async function requireMessage(ctx: Ctx, ref: MessageRef) {
  const conversationId = await visibleConversationId(ctx, { uuid: ref.conversationUuid });
  const [row] = await ctx.db
    .select()
    .from(m)
    .where(and(eq(m.tenantId, ctx.tenantId), eq(m.conversationId, conversationId), eq(m.uuid, ref.messageUuid)));
  if (!row) throw new NotFoundError("Message");
  return row;
}

export async function getMessage(ctx: Ctx, ref: MessageRef): Promise<MessageView> {
  const { id } = await requireMessage(ctx, ref);
  return messageViewById(ctx, id);
}

export async function messageViewById(ctx: Ctx, id: number): Promise<MessageView> {
  const rows = await selectMessageRows(ctx).where(eq(m.id, id));
  const [view] = await messageViews(ctx, rows);
  if (!view) throw new NotFoundError("Message");
  return view;
}
