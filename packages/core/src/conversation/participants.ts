import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { transaction } from "../db/transaction.ts";
import { InputError } from "../errors/index.ts";
import { users } from "../user/user.sql.ts";
import { createNotifications, notificationEvents, notificationMessages } from "../notification/create.ts";
import type { Db } from "../port/database.ts";
import { conversationParticipants, conversations } from "./conversation.sql.ts";
import { visibleConversationId, type ConversationRef } from "./get.ts";

export type Participant = {
  id: number;
  first_name: string;
  last_name: string;
  email: string | null;
  avatar_url: string | null;
  type: string;
};

/**
 * Followers and mentioned agents of a conversation, each once; the System user is never listed. A bare
 * array, as LibreDesk answers `GET …/participants` (the follow routes wrap theirs in `{participants}`).
 */
export async function listParticipants(ctx: Ctx, ref: ConversationRef): Promise<Participant[]> {
  const conversationId = await visibleConversationId(ctx, ref);
  return participantsOf(ctx, conversationId);
}

async function participantsOf(ctx: Ctx, conversationId: number): Promise<Participant[]> {
  const rows = await ctx.db
    .selectDistinctOn([users.id], {
      id: users.id,
      first_name: users.firstName,
      last_name: users.lastName,
      email: users.email,
      avatar_url: users.avatarUrl,
      type: users.type,
    })
    .from(conversationParticipants)
    .innerJoin(users, eq(users.id, conversationParticipants.userId))
    .where(and(eq(conversationParticipants.conversationId, conversationId), eq(users.type, "agent")))
    .orderBy(asc(users.id));
  return rows;
}

/**
 * Adds an agent of this workspace as a follower (idempotent) and notifies them when newly added (once
 * committed). Returns the refreshed participants. Adding the System user is a no-op, as the contract says.
 */
export async function addFollower(ctx: Ctx, ref: ConversationRef, userId: number) {
  const conversationId = await visibleConversationId(ctx, ref);
  const [user] = await ctx.db
    .select({ type: users.type, enabled: users.enabled, deletedAt: users.deletedAt })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, ctx.tenantId)));
  if (!user || (user.type !== "agent" && user.type !== "system") || user.deletedAt) {
    throw new InputError(`user_id: no agent with id ${userId}`);
  }
  if (user.type !== "system")
    await transaction(ctx, async (tx, after) => {
      const inserted = await tx
        .insert(conversationParticipants)
        .values({ tenantId: ctx.tenantId, conversationId, userId, kind: "follower" })
        .onConflictDoNothing()
        .returning({ userId: conversationParticipants.userId });
      if (inserted.length === 0) return;
      // Adding someone notifies them (never oneself: createNotifications skips the actor); removing does not.
      const actor = ctx.actor.type === "agent" ? ctx.actor : null;
      const notified = await createNotifications(tx, {
        tenantId: ctx.tenantId,
        userIds: [userId],
        type: "follower_added",
        title: actor ? `${fullName(actor)} added you as a follower` : "You were added as a follower",
        description: await subjectOf(tx, conversationId),
        conversationId,
        actorId: actor?.userId ?? null,
      });
      after.add({ messages: notificationMessages(notified), events: notificationEvents(notified) });
    });
  return { participants: await participantsOf(ctx, conversationId) };
}

const fullName = (a: { firstName: string; lastName: string }) => `${a.firstName} ${a.lastName}`.trim();

async function subjectOf(db: Db, conversationId: number): Promise<string> {
  const [row] = await db
    .select({ subject: conversations.subject })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  return row?.subject ?? "";
}

export async function removeFollower(ctx: Ctx, ref: ConversationRef, userId: number) {
  const conversationId = await visibleConversationId(ctx, ref);
  await ctx.db
    .delete(conversationParticipants)
    .where(
      and(
        eq(conversationParticipants.conversationId, conversationId),
        eq(conversationParticipants.userId, userId),
        eq(conversationParticipants.kind, "follower"),
      ),
    );
  return { participants: await participantsOf(ctx, conversationId) };
}
