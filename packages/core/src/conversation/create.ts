import { and, eq, isNull, sql } from "drizzle-orm";
import { normalizeEmail } from "../contact/addresses.ts";
import { contactChannels } from "../contact/contact.sql.ts";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { prepareReply, statusNamed, writeReply, type ReplyInput, type WithEffects } from "../message/send.ts";
import type { Db } from "../port/database.ts";
import { statuses } from "../status/status.sql.ts";
import { users } from "../user/user.sql.ts";
import { conversations } from "./conversation.sql.ts";
import { getConversation, type ConversationDetail } from "./get.ts";
import { nextReferenceNumber } from "./reference.ts";

/** An agent-started conversation (spec §4 "Conversations", Create). */
export type NewConversation = {
  inbox_id: number;
  contact: { first_name: string; last_name?: string | undefined; email: string };
  subject: string;
  message: string;
  to?: string[] | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  set_status?: string | undefined;
};

/**
 * Opens a conversation with a contact (found by email, case-insensitively, among primary emails and
 * alternate addresses, or created) in an enabled inbox of the workspace, and adds the agent's first
 * message as a public reply (pending delivery). The status is Open unless `set_status` names another;
 * it applies at once. A blocked contact is not diverted to Spam: that rule is for incoming mail.
 */
export async function createConversation(ctx: Ctx, input: NewConversation): Promise<WithEffects<{ conversation: ConversationDetail }>> {
  const [inbox] = await ctx.db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.id, input.inbox_id), eq(inboxes.tenantId, ctx.tenantId), eq(inboxes.enabled, true), isNull(inboxes.deletedAt)));
  if (!inbox) throw new InputError(`inbox_id: no enabled inbox with id ${input.inbox_id}`);
  const status = input.set_status
    ? await statusNamed(ctx, input.set_status, "set_status")
    : (await ctx.db
        .select({ id: statuses.id, systemKey: statuses.systemKey })
        .from(statuses)
        .where(and(eq(statuses.tenantId, ctx.tenantId), eq(statuses.systemKey, "Open"))))[0]!;
  const email = normalizeEmail(input.contact.email);
  const reply: ReplyInput = { message: input.message, private: false, to: input.to, cc: input.cc, bcc: input.bcc };
  const prepared = await prepareReply(ctx, { inboxId: inbox.id, contactEmail: email }, reply);
  const now = ctx.clock.now();
  const written = await ctx.db.transaction(async (tx) => {
    const contactId = await findOrCreateContact(tx, ctx.tenantId, { ...input.contact, email });
    const [row] = await tx
      .insert(conversations)
      .values({
        tenantId: ctx.tenantId,
        referenceNumber: await nextReferenceNumber(tx, ctx.tenantId),
        inboxId: inbox.id,
        contactId,
        statusId: status.id,
        subject: input.subject,
        resolvedAt: status.systemKey === "Resolved" ? now : null,
        closedAt: status.systemKey === "Closed" ? now : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: conversations.id, uuid: conversations.uuid, referenceNumber: conversations.referenceNumber });
    const target = { ...row!, inboxId: inbox.id, contactEmail: email, firstReplyAt: null, waitingSince: null };
    return { uuid: row!.uuid, ...(await writeReply(tx, ctx, target, prepared)) };
  });
  // The creator gets the conversation back even when their visibility would not list it afterwards.
  const conversation = await getConversation({ ...ctx, actor: { type: "system", tenantId: ctx.tenantId } }, { uuid: written.uuid });
  const newConversation = { type: "new_conversation" as const, tenantId: ctx.tenantId, conversationUuid: written.uuid };
  // A brand-new conversation has no last-message state to patch: new_conversation + new_message say it all.
  const events = [newConversation, ...written.effects.events.filter((e) => e.type !== "conversation_update")];
  return { conversation, events, messages: written.effects.messages };
}

/**
 * The contact with `email` (primary, then alternate addresses; case-insensitive), created when there is
 * none. Concurrent creators of the same address meet on the unique index and both get the one row.
 */
async function findOrCreateContact(db: Db, tenantId: number, contact: { first_name: string; last_name?: string | undefined; email: string }) {
  const find = async () => {
    const [primary] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.type, "contact"), isNull(users.deletedAt), eq(sql`lower(${users.email})`, contact.email)));
    if (primary) return primary.id;
    const [channel] = await db
      .select({ id: contactChannels.contactId })
      .from(contactChannels)
      .innerJoin(users, eq(users.id, contactChannels.contactId))
      .where(
        and(
          eq(contactChannels.tenantId, tenantId),
          eq(contactChannels.kind, "email"),
          eq(sql`lower(${contactChannels.value})`, contact.email),
          isNull(users.deletedAt),
        ),
      );
    return channel?.id;
  };
  const found = await find();
  if (found !== undefined) return found;
  const [created] = await db
    .insert(users)
    .values({ tenantId, type: "contact", firstName: contact.first_name, lastName: contact.last_name ?? "", email: contact.email })
    .onConflictDoNothing()
    .returning({ id: users.id });
  return created?.id ?? (await find())!;
}
