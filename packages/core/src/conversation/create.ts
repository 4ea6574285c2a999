import { and, eq, isNull } from "drizzle-orm";
import { normalizeEmail } from "../contact/addresses.ts";
import { findOrCreateContactByEmail } from "../contact/identity.ts";
import { systemCtx, type Ctx } from "../context/index.ts";
import { transaction } from "../db/transaction.ts";
import { InputError } from "../errors/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { prepareReply, statusNamed, writeReply, type ReplyInput } from "../message/send.ts";
import { systemStatus } from "../status/lookup.ts";
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
export async function createConversation(ctx: Ctx, input: NewConversation): Promise<ConversationDetail> {
  const [inbox] = await ctx.db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.id, input.inbox_id), eq(inboxes.tenantId, ctx.tenantId), eq(inboxes.enabled, true), isNull(inboxes.deletedAt)));
  if (!inbox) throw new InputError(`inbox_id: no enabled inbox with id ${input.inbox_id}`);
  const status = input.set_status
    ? await statusNamed(ctx, input.set_status, "set_status")
    : await systemStatus(ctx.db, ctx.tenantId, "Open");
  const email = normalizeEmail(input.contact.email);
  const reply: ReplyInput = { message: input.message, private: false, to: input.to, cc: input.cc, bcc: input.bcc };
  const prepared = await prepareReply(ctx, { inboxId: inbox.id, contactEmail: email }, reply);
  const now = ctx.clock.now();
  const uuid = await transaction(ctx, async (tx, after) => {
    const contactId = await findOrCreateContactByEmail(tx, ctx.tenantId, { ...input.contact, email });
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
    const { effects } = await writeReply(tx, ctx, target, prepared);
    // A brand-new conversation has no last-message state to patch: new_conversation + new_message say it all.
    after.publish({ type: "new_conversation", tenantId: ctx.tenantId, conversationUuid: row!.uuid });
    after.add({ events: effects.events.filter((e) => e.type !== "conversation_update"), messages: effects.messages });
    return row!.uuid;
  });
  // The creator gets the conversation back even when their visibility would not list it afterwards.
  return getConversation(systemCtx(ctx, ctx.tenantId), { uuid });
}
