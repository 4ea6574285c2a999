import { and, eq, isNull } from "drizzle-orm";
import { normalizeEmail } from "../contact/addresses.ts";
import { findOrCreateContactByEmail } from "../contact/identity.ts";
import { can, systemCtx, type Ctx } from "../context/index.ts";
import { transaction, within } from "../db/transaction.ts";
import { InputError, PermissionError } from "../errors/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import type { Attachment } from "../media/attach.ts";
import { systemStatus } from "../status/lookup.ts";
import { teams } from "../team/team.sql.ts";
import { users } from "../user/user.sql.ts";
import { assignTeam, assignUser } from "./assign.ts";
import { conversations } from "./conversation.sql.ts";
import { getConversation, type ConversationDetail } from "./get.ts";
import { recordCustomerMessage } from "./incoming.ts";
import { nextReferenceNumber } from "./reference.ts";
import { prepareBody, prepareReply, statusNamed, writeReply, type ReplyInput } from "./reply.ts";

/** An agent-started conversation (`POST /api/v1/conversations`; LibreDesk's dialog maps onto it). */
export type NewConversation = {
  inbox_id: number;
  contact: { first_name: string; last_name?: string | undefined; email: string };
  subject: string;
  message: string;
  to?: string[] | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  set_status?: string | undefined;
  attachments?: Attachment[] | undefined;
  /** Who wrote the first message: the agent (sent to the contact, the default) or the contact (recorded). */
  initiator?: "agent" | "contact" | undefined;
  team_id?: number | null | undefined;
  agent_id?: number | null | undefined;
  /** What the request called the message (LibreDesk's `content`), for errors. */
  message_field?: "message" | "content" | undefined;
};

/**
 * Opens a conversation with a contact (found by email, case-insensitively, among primary emails and
 * alternate addresses, or created) in an enabled inbox of the workspace. The first message is the agent's
 * public reply (pending delivery) or, with `initiator: "contact"`, the contact's own words the agent records
 * (an incoming message through conversation/incoming.ts: nothing is sent, the conversation waits for a
 * reply). The status is Open unless `set_status` names another; it applies at once. A team and an agent to
 * assign need the assignment permissions and are set in the same transaction. Everything is checked before
 * anything is written. A blocked contact is not diverted to Spam: the agent chose to open it.
 */
export async function createConversation(ctx: Ctx, input: NewConversation): Promise<ConversationDetail> {
  const [inbox] = await ctx.db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(
      and(
        eq(inboxes.id, input.inbox_id),
        eq(inboxes.tenantId, ctx.tenantId),
        eq(inboxes.enabled, true),
        isNull(inboxes.deletedAt),
      ),
    );
  if (!inbox) throw new InputError(`inbox_id: no enabled inbox with id ${input.inbox_id}`);
  const fromContact = input.initiator === "contact";
  if (fromContact) {
    const recipients = (["to", "cc", "bcc"] as const).find((field) => input[field]?.length);
    if (recipients) throw new InputError(`${recipients}: a message from the contact has no recipients`);
  }
  const status = input.set_status
    ? await statusNamed(ctx, input.set_status, "set_status")
    : await systemStatus(ctx.db, ctx.tenantId, "Open");
  await checkAssignees(ctx, input);
  const email = normalizeEmail(input.contact.email);
  const body = { message: input.message, attachments: input.attachments };
  const first = fromContact
    ? { from: "contact" as const, body: await prepareBody(ctx, body, input.message_field) }
    : {
        from: "agent" as const,
        reply: await prepareReply(
          ctx,
          { inboxId: inbox.id, contactEmail: email },
          { ...body, private: false, to: input.to, cc: input.cc, bcc: input.bcc } satisfies ReplyInput,
          input.message_field,
        ),
      };
  const now = ctx.clock.now();
  const uuid = await transaction(ctx, async (tx, after) => {
    const contactId = await findOrCreateContactByEmail(tx, ctx.tenantId, { ...input.contact, email });
    let conversation: { id: number; uuid: string };
    if (first.from === "contact") {
      const written = await recordCustomerMessage(
        within(ctx, tx, after),
        { open: { inboxId: inbox.id, subject: input.subject, status } },
        {
          tenantId: ctx.tenantId,
          contactId,
          now,
          message: {
            contentType: "html",
            content: first.body.content,
            textContent: first.body.textContent,
            meta: { source: "agent", recorded_by: ctx.actor.type === "agent" ? ctx.actor.userId : null },
            mediaIds: first.body.mediaIds,
          },
        },
      );
      conversation = { id: written.conversationId, uuid: written.conversationUuid };
    } else {
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
      const { effects } = await writeReply(tx, ctx, target, first.reply);
      // A brand-new conversation has no last-message state to patch: new_conversation + new_message say it all.
      after.publish({ type: "new_conversation", tenantId: ctx.tenantId, conversationUuid: row!.uuid });
      after.add({ events: effects.events.filter((e) => e.type !== "conversation_update"), messages: effects.messages });
      conversation = row!;
    }
    const inTx = within(ctx, tx, after);
    if (input.team_id) await assignTeam(inTx, { id: conversation.id }, input.team_id);
    if (input.agent_id) await assignUser(inTx, { id: conversation.id }, input.agent_id);
    return conversation.uuid;
  });
  // The creator gets the conversation back even when their visibility would not list it afterwards.
  return getConversation(systemCtx(ctx, ctx.tenantId), { uuid });
}

/** The team and agent to assign exist in the workspace, and the caller may assign them (403 otherwise). */
async function checkAssignees(ctx: Ctx, input: NewConversation): Promise<void> {
  if (input.team_id) {
    if (!can(ctx.actor, "conversations:update_team_assignee"))
      throw new PermissionError("team_id: assigning a team needs conversations:update_team_assignee");
    const [team] = await ctx.db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.id, input.team_id), eq(teams.tenantId, ctx.tenantId)));
    if (!team) throw new InputError(`team_id: no team with id ${input.team_id} in this workspace`);
  }
  if (input.agent_id) {
    if (!can(ctx.actor, "conversations:update_user_assignee"))
      throw new PermissionError("agent_id: assigning an agent needs conversations:update_user_assignee");
    const [agent] = await ctx.db
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.id, input.agent_id),
          eq(users.tenantId, ctx.tenantId),
          eq(users.type, "agent"),
          eq(users.enabled, true),
          isNull(users.deletedAt),
        ),
      );
    if (!agent) throw new InputError(`agent_id: no enabled agent with id ${input.agent_id} in this workspace`);
  }
}
