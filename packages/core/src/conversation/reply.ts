import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { agentActor, type Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { transaction, within } from "../db/transaction.ts";
import { InputError } from "../errors/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { attachUploads, inlineUploadIds, listedUploads, type Attachment } from "../media/attach.ts";
import { createNotifications, notificationEvents, notificationMessages } from "../notification/create.ts";
import type { Db } from "../port/database.ts";
import type { DomainEvent } from "../port/events.ts";
import type { QueueMessage } from "../port/queue.ts";
import { findStatus } from "../status/lookup.ts";
import { users } from "../user/user.sql.ts";
import { autoAssignOnReply } from "./auto-assign.ts";
import { conversationParticipants, conversations } from "./conversation.sql.ts";
import { visibleConversationId, type ConversationRef } from "./get.ts";
import { messages } from "./message.sql.ts";
import { cleanMessage, previewOf } from "../html/sanitize.ts";

/** An agent's reply or private note: the body of `POST …/conversations/{uuid}/messages`. */
export type ReplyInput = {
  message?: string | undefined;
  private?: boolean | undefined;
  to?: string[] | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  from?: string | undefined;
  attachments?: Attachment[] | undefined;
  mentions?: number[] | undefined;
  set_status?: string | undefined;
  forwarded_to?: string[] | undefined;
};

/** What a reply needs to know of its conversation. */
export type ReplyTarget = {
  id: number;
  uuid: string;
  referenceNumber: number;
  inboxId: number;
  contactEmail: string | null;
  firstReplyAt: Date | null;
  waitingSince: Date | null;
};

/** A reply checked against the workspace, ready to write. */
export type PreparedReply = {
  private: boolean;
  content: string;
  textContent: string;
  mediaIds: number[];
  mentions: number[];
  meta: Record<string, unknown>;
};

/**
 * Adds an agent's message to a visible conversation; answers its id. A private note is `sent` at once; a
 * public reply is stored `pending` with its recipients in `meta` for the delivery channel. The
 * conversation's last-message fields move in the same transaction; mentioned agents become participants and
 * are notified. A public reply is queued for delivery once committed (mail-out/deliver.ts) and, when its
 * inbox says so, assigns an unassigned conversation to the replying agent in the same transaction
 * (auto-assign.ts).
 */
export async function addReply(ctx: Ctx, ref: ConversationRef, input: ReplyInput): Promise<number> {
  const id = await visibleConversationId(ctx, ref);
  const target = await replyTarget(ctx.db, id);
  const prepared = await prepareReply(ctx, target, input);
  return transaction(ctx, async (tx, after) => {
    const reply = await writeReply(tx, ctx, target, prepared);
    after.add(reply.effects);
    if (!prepared.private) await autoAssignOnReply(within(ctx, tx, after), target.id, agentActor(ctx).userId);
    return reply.messageId;
  });
}

export async function replyTarget(db: Db, conversationId: number): Promise<ReplyTarget> {
  const [row] = await db
    .select({
      id: conversations.id,
      uuid: conversations.uuid,
      referenceNumber: conversations.referenceNumber,
      inboxId: conversations.inboxId,
      contactEmail: users.email,
      firstReplyAt: conversations.firstReplyAt,
      waitingSince: conversations.waitingSince,
    })
    .from(conversations)
    .innerJoin(users, eq(users.id, conversations.contactId))
    .where(eq(conversations.id, conversationId));
  return row!;
}

const MAX_MENTIONS = 50;

/** Validates a reply against the workspace (uploads, mentioned agents, status, sender address): 400 naming the field. */
export async function prepareReply(
  ctx: Ctx,
  target: Pick<ReplyTarget, "inboxId" | "contactEmail">,
  input: ReplyInput,
  messageField = "message",
): Promise<PreparedReply> {
  const isPrivate = input.private ?? false;
  if (isPrivate && input.set_status)
    throw new InputError("set_status: only a public reply sets a status (once it is delivered)");
  if (isPrivate && input.forwarded_to?.length) throw new InputError("forwarded_to: a private note cannot be forwarded");
  const [{ content, textContent, mediaIds }, mentions] = await Promise.all([
    prepareBody(ctx, input, messageField),
    mentionedAgents(ctx, input.mentions ?? []),
  ]);
  if (input.set_status) await statusNamed(ctx, input.set_status, "set_status");
  const meta: Record<string, unknown> = {};
  if (mentions.length) meta.mentions = mentions;
  if (!isPrivate) {
    const to = input.to?.length ? input.to : target.contactEmail ? [target.contactEmail] : [];
    // A live-chat reply reaches the visitor through the widget, who may have no email address at all.
    if (to.length === 0 && !input.forwarded_to?.length && !(await isLiveChatInbox(ctx, target.inboxId))) {
      throw new InputError("to: the contact has no email address; name a recipient");
    }
    Object.assign(meta, { to, cc: input.cc ?? [], bcc: input.bcc ?? [], pending_delivery: true });
    if (input.from) meta.from = await senderAddress(ctx, target.inboxId, input.from);
    if (input.set_status) meta.set_status = input.set_status;
    if (input.forwarded_to?.length) meta.forwarded_to = input.forwarded_to;
  }
  return { private: isPrivate, content, textContent, mediaIds, mentions, meta };
}

/**
 * The sanitised HTML and the uploads of a message an agent writes (a reply, a note, or a contact's message
 * they record): the listed attachments plus the caller's uploads its HTML shows inline. 400 when it has
 * neither text, nor an image, nor an attachment.
 */
export async function prepareBody(
  ctx: Ctx,
  input: { message?: string | undefined; attachments?: Attachment[] | undefined },
  field = "message",
): Promise<{ content: string; textContent: string; mediaIds: number[] }> {
  const { content, textContent } = cleanMessage(input.message ?? "");
  const attachments = input.attachments ?? [];
  if (!textContent && !/<img\b/i.test(content) && attachments.length === 0) {
    throw new InputError(`${field}: required unless attachments are given`);
  }
  const uploader = agentActor(ctx).userId;
  const listed = await listedUploads(ctx, attachments, uploader);
  const mediaIds = [...listed, ...(await inlineUploadIds(ctx, content, uploader, listed))];
  return { content, textContent, mediaIds };
}

async function mentionedAgents(ctx: Ctx, ids: number[]): Promise<number[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  if (unique.length > MAX_MENTIONS) throw new InputError(`mentions: at most ${MAX_MENTIONS} agents`);
  const found = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.tenantId, ctx.tenantId),
        inArray(users.id, unique),
        eq(users.type, "agent"),
        isNull(users.deletedAt),
      ),
    );
  const foundIds = new Set(found.map((f) => f.id));
  const missing = ids.findIndex((id) => !foundIds.has(id));
  if (missing >= 0) throw new InputError(`mentions[${missing}]: no agent with id ${ids[missing]}`);
  return unique;
}

/** A status of the workspace by name; Snoozed needs a duration, which only the status endpoint takes. */
export async function statusNamed(ctx: Ctx, name: string, field: string) {
  const row = await findStatus(ctx, name, field);
  if (row.systemKey === "Snoozed") throw new InputError(`${field}: snoozing needs a duration; use the status endpoint`);
  return row;
}

async function isLiveChatInbox(ctx: Ctx, inboxId: number): Promise<boolean> {
  const [inbox] = await ctx.db.select({ channel: inboxes.channel }).from(inboxes).where(eq(inboxes.id, inboxId));
  return inbox?.channel === "livechat";
}

const addressOf = (from: string) => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();

/** `from` must be the inbox's address or one of its aliases (`config.aliases`). */
async function senderAddress(ctx: Ctx, inboxId: number, from: string): Promise<string> {
  const [inbox] = await ctx.db
    .select({ from: inboxes.from, config: inboxes.config })
    .from(inboxes)
    .where(eq(inboxes.id, inboxId));
  const aliases = Array.isArray(inbox?.config.aliases)
    ? (inbox.config.aliases as unknown[]).filter((a) => typeof a === "string")
    : [];
  const allowed = [inbox?.from ?? "", ...aliases].filter(Boolean).map(addressOf);
  if (!allowed.includes(addressOf(from))) throw new InputError("from: must be the inbox address or one of its aliases");
  return from;
}

/**
 * Writes a prepared reply inside `tx`: the message, its attachments, mentions (participants and
 * notifications) and the conversation's last-message fields. Returns the effects for the caller's transaction to publish after commit.
 */
export async function writeReply(tx: Db, ctx: Ctx, target: ReplyTarget, reply: PreparedReply) {
  const agent = agentActor(ctx);
  const now = ctx.clock.now();
  const [row] = await tx
    .insert(messages)
    .values({
      tenantId: ctx.tenantId,
      conversationId: target.id,
      type: "outgoing",
      status: reply.private ? "sent" : "pending",
      private: reply.private,
      contentType: "html",
      content: reply.content,
      textContent: reply.textContent,
      senderId: agent.userId,
      senderType: "agent",
      meta: reply.meta,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: messages.id, uuid: messages.uuid });
  const message = row!;
  await attachUploads(tx, ctx.tenantId, message.id, reply.mediaIds);
  const changes: Record<string, unknown> = {
    last_message: previewOf(reply.textContent),
    last_message_at: iso(now),
    last_message_sender_type: "agent",
  };
  if (!reply.private) {
    changes.last_interaction_at = iso(now);
    if (target.waitingSince) changes.waiting_since = null;
    if (!target.firstReplyAt) changes.first_reply_at = iso(now);
  }
  await tx
    .update(conversations)
    .set({
      lastMessage: changes.last_message as string,
      lastMessageAt: now,
      lastMessageSenderType: "agent",
      updatedAt: now,
      ...(reply.private
        ? {}
        : {
            lastInteractionAt: now,
            waitingSince: null,
            firstReplyAt: sql`coalesce(${conversations.firstReplyAt}, ${now.toISOString()}::timestamptz)`,
          }),
    })
    .where(eq(conversations.id, target.id));
  let notified: Awaited<ReturnType<typeof createNotifications>> = [];
  if (reply.mentions.length) {
    await tx
      .insert(conversationParticipants)
      .values(
        reply.mentions.map((userId) => ({
          tenantId: ctx.tenantId,
          conversationId: target.id,
          userId,
          kind: "mentioned" as const,
        })),
      )
      .onConflictDoNothing();
    notified = await createNotifications(tx, {
      tenantId: ctx.tenantId,
      userIds: reply.mentions,
      type: "mention",
      title: `${`${agent.firstName} ${agent.lastName}`.trim()} mentioned you in #${target.referenceNumber}`,
      description: previewOf(reply.textContent),
      conversationId: target.id,
      messageId: message.id,
      actorId: agent.userId,
    });
  }
  const base = { tenantId: ctx.tenantId, conversationUuid: target.uuid };
  const events: DomainEvent[] = [
    { type: "new_message", ...base, messageUuid: message.uuid },
    { type: "conversation_update", ...base, changes },
    ...notificationEvents(notified),
  ];
  const queued: QueueMessage[] = notificationMessages(notified);
  // Delivery runs once this transaction has committed.
  if (!reply.private) queued.push({ type: "message.deliver", tenantId: ctx.tenantId, messageId: message.id });
  return { messageId: message.id, effects: { events, messages: queued } };
}
