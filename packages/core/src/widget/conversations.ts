import { and, desc, eq, gt, ne, sql } from "drizzle-orm";
import type { ContactActor, ContactCtx } from "../context/index.ts";
import { conversationReads, conversations } from "../conversation/conversation.sql.ts";
import { nextReferenceNumber } from "../conversation/reference.ts";
import { iso } from "../db/iso.ts";
import { transaction } from "../db/transaction.ts";
import { AuthError, NotFoundError, RateLimitError } from "../errors/index.ts";
import type { LivechatInbox } from "../inbox/livechat-config.ts";
import { messages } from "../message/message.sql.ts";
import { previewOf } from "../message/sanitize.ts";
import type { Db } from "../port/database.ts";
import { statuses } from "../status/status.sql.ts";
import { systemStatus } from "../status/lookup.ts";
import { users } from "../user/user.sql.ts";
import { widgetMessageBody } from "./message-body.ts";
import { recordPageVisit, type PageVisit } from "./page-visits.ts";
import { prechatValues, visitorName } from "./prechat.ts";
import { createWidgetSession, type WidgetCtx } from "./session.ts";
import { widgetConversations, widgetMessagesOf, type WidgetConversation, type WidgetMessage } from "./view.ts";
import { flagPci } from "../pci/flag.ts";

/** What the widget calls its user (LibreDesk's shape): never an email. */
export type WidgetUser = { user_id: number; is_visitor: boolean; first_name: string; last_name: string };

/** A contact may open this many chats per inbox in 24 hours (LibreDesk caps it too). */
export const MAX_CHATS_PER_DAY = 20;
/** The conversation list of the widget shows the newest ones only. */
export const WIDGET_CONVERSATION_LIMIT = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The conversation `uuid` if it is the contact's (theirs, in their session's inbox, not trashed); 404 otherwise. */
export async function ownConversationId(ctx: ContactCtx, uuid: string): Promise<number> {
  // Not a uuid is nobody's conversation (and must not reach Postgres as one).
  if (!UUID.test(uuid)) throw new NotFoundError("Conversation");
  const [row] = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(statuses, eq(statuses.id, conversations.statusId))
    .where(and(ownedBy(ctx.actor), eq(conversations.uuid, uuid.toLowerCase()), notTrashed))
    .limit(1);
  if (!row) throw new NotFoundError("Conversation");
  return row.id;
}

const ownedBy = (contact: ContactActor) =>
  and(eq(conversations.tenantId, contact.tenantId), eq(conversations.contactId, contact.contactId), eq(conversations.inboxId, contact.inboxId));
// Trashed is an agent's "delete": the visitor does not see it any more. Spam is not revealed to them.
const notTrashed = sql`${statuses.systemKey} IS DISTINCT FROM 'Trashed'`;

export type StartChat = {
  inbox: LivechatInbox;
  message: string;
  formData?: Record<string, unknown> | undefined;
  page?: PageVisit | undefined;
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
};

export type StartedChat = {
  conversationId: number;
  conversationUuid: string;
  /** Whose chat it is: the caller's contact, or the visitor this call created. */
  contact: ContactActor;
  /** Only when this call created the visitor: the token is shown this once. */
  newSession: { token: string; expiresAt: Date; user: WidgetUser } | null;
};

/**
 * `conversations/init`: the first message opens a conversation in the live-chat inbox, from the acting
 * contact or, without one (no session yet), from a new visitor (created here, with its session). Visitor,
 * session, conversation, message and page visit are written in one transaction: a failure leaves none of
 * them, and nothing is published. A blocked contact's chat lands in Spam, as their mail does.
 */
export async function startChat(ctx: WidgetCtx, input: StartChat): Promise<StartedChat> {
  const { tenantId, actor } = ctx;
  const body = widgetMessageBody(input.message);
  const form = prechatValues(input.inbox, input.formData, actor === null);
  const now = ctx.clock.now();
  if (actor) await assertChatAllowance(ctx.db, actor, now);
  return transaction(ctx, async (tx, after) => {
    let contact = actor;
    let newSession: StartedChat["newSession"] = null;
    if (contact === null) {
      const name = visitorName(form);
      const [visitor] = await tx
        .insert(users)
        .values({ tenantId, type: "visitor", firstName: name.first_name, lastName: name.last_name, createdAt: now, updatedAt: now })
        .returning({ id: users.id, firstName: users.firstName, lastName: users.lastName });
      contact = { type: "contact", tenantId, contactId: visitor!.id, inboxId: input.inbox.id, isVisitor: true };
      const session = await createWidgetSession(tx, {
        tenantId,
        inboxId: input.inbox.id,
        contactId: contact.contactId,
        ip: input.ip,
        userAgent: input.userAgent,
        now,
      });
      newSession = { ...session, user: { user_id: contact.contactId, is_visitor: true, first_name: visitor!.firstName, last_name: visitor!.lastName } };
    }
    const contactId = contact.contactId;
    const [row] = await tx.select({ blocked: users.blocked }).from(users).where(eq(users.id, contactId));
    const status = await systemStatus(tx, tenantId, row?.blocked ? "Spam" : "Open");
    const meta: Record<string, unknown> = { source: "livechat" };
    if (input.ip) meta.ip = input.ip;
    if (input.userAgent) meta.user_agent = input.userAgent.slice(0, 512);
    if (Object.keys(form).length) meta.prechat_form = form;
    const preview = previewOf(body.textContent);
    const [conversation] = await tx
      .insert(conversations)
      .values({
        tenantId,
        referenceNumber: await nextReferenceNumber(tx, tenantId),
        inboxId: input.inbox.id,
        contactId,
        statusId: status.id,
        lastMessage: preview,
        lastMessageAt: now,
        lastMessageSenderType: "contact",
        lastInteractionAt: now,
        waitingSince: now,
        meta,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: conversations.id, uuid: conversations.uuid });
    const message = await insertIncoming(tx, tenantId, conversation!.id, contactId, body, now);
    if (input.page) await recordPageVisit(tx, tenantId, conversation!.id, input.page, now);
    const base = { tenantId, conversationUuid: conversation!.uuid };
    after.publish({ type: "new_conversation", ...base }, { type: "new_message", ...base, messageUuid: message.uuid });
    return { conversationId: conversation!.id, conversationUuid: conversation!.uuid, contact, newSession };
  });
}

async function assertChatAllowance(db: Db, contact: ContactActor, now: Date): Promise<void> {
  const since = new Date(now.getTime() - 24 * 3600_000);
  const recent = await db
    .select({ createdAt: conversations.createdAt })
    .from(conversations)
    .where(and(ownedBy(contact), gt(conversations.createdAt, since)))
    .orderBy(conversations.createdAt)
    .limit(MAX_CHATS_PER_DAY);
  if (recent.length < MAX_CHATS_PER_DAY) return;
  const retryMs = recent[0]!.createdAt.getTime() + 24 * 3600_000 - now.getTime();
  throw new RateLimitError(Math.max(1, Math.ceil(retryMs / 1000)));
}

async function insertIncoming(tx: Db, tenantId: number, conversationId: number, contactId: number, body: { content: string; textContent: string }, now: Date) {
  const [row] = await tx
    .insert(messages)
    .values({
      tenantId,
      conversationId,
      type: "incoming",
      status: "received",
      private: false,
      contentType: "html",
      content: body.content,
      textContent: body.textContent,
      senderId: contactId,
      senderType: "contact",
      meta: { source: "livechat" },
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: messages.id, uuid: messages.uuid });
  // Card data typed into the chat is flagged as it is stored (the new_message after commit carries the flag).
  await flagPci(tx, tenantId, row!.id, now);
  return row!;
}

/** A visitor's message in one of their conversations (`…/{uuid}/message`). */
export async function sendWidgetMessage(
  ctx: ContactCtx,
  uuid: string,
  input: { message: string; page?: PageVisit | undefined },
): Promise<{ messageId: number; messageUuid: string }> {
  const body = widgetMessageBody(input.message);
  return addIncoming(ctx, uuid, { body, preview: previewOf(body.textContent), page: input.page });
}

/**
 * Writes an incoming message into the contact's conversation `uuid` and moves the conversation like
 * incoming mail does: last-message fields, waiting since (kept if already waiting), and a Resolved, Closed
 * or Snoozed conversation back to Open. `attach` runs in the same transaction (a file's media row).
 */
export async function addIncoming(
  ctx: ContactCtx,
  uuid: string,
  input: {
    body: { content: string; textContent: string };
    preview: string;
    page?: PageVisit | undefined;
    attach?: (tx: Db, messageId: number) => Promise<void>;
  },
): Promise<{ messageId: number; messageUuid: string }> {
  const contact = ctx.actor;
  const conversationId = await ownConversationId(ctx, uuid);
  const now = ctx.clock.now();
  return transaction(ctx, async (tx, after) => {
    const [row] = await tx
      .select({ uuid: conversations.uuid, waitingSince: conversations.waitingSince, systemKey: statuses.systemKey })
      .from(conversations)
      .innerJoin(statuses, eq(statuses.id, conversations.statusId))
      .where(eq(conversations.id, conversationId))
      .for("update", { of: conversations });
    const message = await insertIncoming(tx, contact.tenantId, conversationId, contact.contactId, input.body, now);
    if (input.attach) await input.attach(tx, message.id);
    const changes: Record<string, unknown> = {
      last_message: input.preview,
      last_message_at: iso(now),
      last_message_sender_type: "contact",
      last_interaction_at: iso(now),
    };
    const set: Partial<typeof conversations.$inferInsert> = {
      lastMessage: input.preview,
      lastMessageAt: now,
      lastMessageSenderType: "contact",
      lastInteractionAt: now,
      updatedAt: now,
    };
    if (!row!.waitingSince) {
      set.waitingSince = now;
      changes.waiting_since = iso(now);
    }
    if (row!.systemKey === "Resolved" || row!.systemKey === "Closed" || row!.systemKey === "Snoozed") {
      const open = await systemStatus(tx, contact.tenantId, "Open");
      Object.assign(set, { statusId: open.id, snoozedUntil: null });
      Object.assign(changes, { status: open.name, status_id: open.id, snoozed_until: null });
    }
    await tx.update(conversations).set(set).where(eq(conversations.id, conversationId));
    if (input.page) await recordPageVisit(tx, contact.tenantId, conversationId, input.page, now);
    const base = { tenantId: contact.tenantId, conversationUuid: row!.uuid };
    after.publish({ type: "new_message", ...base, messageUuid: message.uuid }, { type: "conversation_update", ...base, changes });
    return { messageId: message.id, messageUuid: message.uuid };
  });
}

/** The contact's conversations in their session's inbox, most recently active first. */
export async function listWidgetConversations(ctx: ContactCtx): Promise<WidgetConversation[]> {
  const rows = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(statuses, eq(statuses.id, conversations.statusId))
    .where(and(ownedBy(ctx.actor), notTrashed))
    .orderBy(desc(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`), desc(conversations.id))
    .limit(WIDGET_CONVERSATION_LIMIT);
  return widgetConversations(ctx.db, ctx.actor.contactId, rows.map((r) => r.id));
}

export type WidgetConversationDetail = { conversation: WidgetConversation; messages: WidgetMessage[] };

export async function getWidgetConversation(ctx: ContactCtx, uuid: string): Promise<WidgetConversationDetail> {
  return conversationDetail(ctx, await ownConversationId(ctx, uuid));
}

/** Conversation `id` (the contact's: the caller checked, or just created it) and its messages, with media URLs from `ctx.mediaUrl`. */
export async function conversationDetail(ctx: ContactCtx, id: number): Promise<WidgetConversationDetail> {
  const mediaUrl = (uuid: string) => ctx.mediaUrl?.(uuid) ?? `/uploads/${uuid}`;
  const [[conversation], list] = await Promise.all([
    widgetConversations(ctx.db, ctx.actor.contactId, [id]),
    widgetMessagesOf(ctx.db, ctx.tenantId, id, mediaUrl),
  ]);
  return { conversation: conversation!, messages: list };
}

/** `update-last-seen`: the contact has read the conversation up to now (unread counts restart). */
export async function markWidgetSeen(ctx: ContactCtx, uuid: string, page?: PageVisit): Promise<void> {
  const conversationId = await ownConversationId(ctx, uuid);
  const now = ctx.clock.now();
  await ctx.db
    .insert(conversationReads)
    .values({ tenantId: ctx.tenantId, conversationId, userId: ctx.actor.contactId, lastSeenAt: now })
    .onConflictDoUpdate({ target: [conversationReads.userId, conversationReads.conversationId], set: { lastSeenAt: now } });
  if (page) await recordPageVisit(ctx.db, ctx.tenantId, conversationId, page, now);
}

/** `auth/me`. */
export async function widgetUser(ctx: ContactCtx): Promise<WidgetUser> {
  const [row] = await ctx.db
    .select({ id: users.id, type: users.type, firstName: users.firstName, lastName: users.lastName })
    .from(users)
    .where(and(eq(users.id, ctx.actor.contactId), eq(users.tenantId, ctx.tenantId), ne(users.type, "agent")));
  if (!row) throw new AuthError("Invalid or expired widget session");
  return { user_id: row.id, is_visitor: row.type === "visitor", first_name: row.firstName, last_name: row.lastName };
}
