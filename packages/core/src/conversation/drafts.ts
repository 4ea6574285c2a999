import { and, desc, eq } from "drizzle-orm";
import type { AgentActor, Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { AuthError } from "../errors/index.ts";
import { conversations, drafts } from "./conversation.sql.ts";
import { visibleConversationId, type ConversationRef } from "./get.ts";
import { visibleTo } from "./visibility.ts";

export const MAX_DRAFT_LENGTH = 100_000;

export type DraftInput = {
  content: string;
  private?: boolean | undefined;
  is_forward?: boolean | undefined;
  to?: string[] | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  mentions?: number[] | undefined;
  macro_id?: number | null | undefined;
};

function agentActor(ctx: Ctx): AgentActor {
  if (ctx.actor.type !== "agent") throw new AuthError();
  return ctx.actor;
}

type DraftRow = {
  conversationUuid: string;
  content: string;
  meta: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
};

function draftView(row: DraftRow) {
  const m = row.meta;
  return {
    conversation_uuid: row.conversationUuid,
    content: row.content,
    private: m.private === true,
    is_forward: m.is_forward === true,
    to: (m.to as string[] | undefined) ?? [],
    cc: (m.cc as string[] | undefined) ?? [],
    bcc: (m.bcc as string[] | undefined) ?? [],
    mentions: (m.mentions as number[] | undefined) ?? [],
    macro_id: (m.macro_id as number | null | undefined) ?? null,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type DraftView = ReturnType<typeof draftView>;

const draftColumns = {
  conversationUuid: conversations.uuid,
  content: drafts.content,
  meta: drafts.meta,
  createdAt: drafts.createdAt,
  updatedAt: drafts.updatedAt,
};

/** The caller's drafts on conversations they can still see, newest first. */
export async function listDrafts(ctx: Ctx): Promise<DraftView[]> {
  const me = agentActor(ctx);
  const rows = await ctx.db
    .select(draftColumns)
    .from(drafts)
    .innerJoin(conversations, eq(conversations.id, drafts.conversationId))
    .where(and(eq(drafts.tenantId, ctx.tenantId), eq(drafts.userId, me.userId), visibleTo(me)))
    .orderBy(desc(drafts.updatedAt));
  return rows.map(draftView);
}

/** One draft per agent × conversation: saving again replaces it. */
export async function saveDraft(ctx: Ctx, ref: ConversationRef, input: DraftInput): Promise<DraftView> {
  const me = agentActor(ctx);
  const conversationId = await visibleConversationId(ctx, ref);
  const meta = {
    private: input.private ?? false,
    is_forward: input.is_forward ?? false,
    to: input.to ?? [],
    cc: input.cc ?? [],
    bcc: input.bcc ?? [],
    mentions: input.mentions ?? [],
    macro_id: input.macro_id ?? null,
  };
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(drafts)
    .values({
      tenantId: ctx.tenantId,
      userId: me.userId,
      conversationId,
      content: input.content,
      meta,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [drafts.userId, drafts.conversationId],
      set: { content: input.content, meta, updatedAt: now },
    })
    .returning();
  const [conversation] = await ctx.db
    .select({ uuid: conversations.uuid })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  return draftView({ ...row!, conversationUuid: conversation!.uuid });
}

export async function deleteDraft(ctx: Ctx, ref: ConversationRef): Promise<void> {
  const me = agentActor(ctx);
  const conversationId = await visibleConversationId(ctx, ref);
  await ctx.db.delete(drafts).where(and(eq(drafts.userId, me.userId), eq(drafts.conversationId, conversationId)));
}
