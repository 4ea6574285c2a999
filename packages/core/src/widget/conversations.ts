import { and, desc, eq, gt, ne, sql } from "drizzle-orm";
import type { ContactActor, ContactCtx } from "../context/index.ts";
import { conversationReads, conversations } from "../conversation/conversation.sql.ts";
import { recordCustomerMessage, type CustomerMessage } from "../conversation/incoming.ts";
import { transaction, within } from "../db/transaction.ts";
import { AuthError, NotFoundError, RateLimitError } from "../errors/index.ts";
import type { LivechatInbox } from "../inbox/livechat-config.ts";
import { previewOf } from "../html/sanitize.ts";
import type { Db } from "../port/database.ts";
import { statuses } from "../status/status.sql.ts";
import { users } from "../user/user.sql.ts";
import { widgetMessageBody } from "./message-body.ts";
import { recordPageVisit, type PageVisit } from "./page-visits.ts";
import { prechatValues, visitorName } from "./prechat.ts";
import { createWidgetSession, type WidgetCtx } from "./session.ts";
import { widgetConversations, widgetMessagesOf, type WidgetConversation, type WidgetMessage } from "./view.ts";

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
  and(
    eq(conversations.tenantId, contact.tenantId),
    eq(conversations.contactId, contact.contactId),
    eq(conversations.inboxId, contact.inboxId),
  );
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
        .values({
          tenantId,
          type: "visitor",
          firstName: name.first_name,
          lastName: name.last_name,
          createdAt: now,
          updatedAt: now,
        })
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
      newSession = {
        ...session,
        user: {
          user_id: contact.contactId,
          is_visitor: true,
          first_name: visitor!.firstName,
          last_name: visitor!.lastName,
        },
      };
    }
    const meta: Record<string, unknown> = { source: "livechat" };
    if (input.ip) meta.ip = input.ip;
    if (input.userAgent) meta.user_agent = input.userAgent.slice(0, 512);
    if (Object.keys(form).length) meta.prechat_form = form;
    const written = await recordCustomerMessage(
      within(ctx, tx, after),
      { open: { inboxId: input.inbox.id, meta } },
      {
        tenantId,
        contactId: contact.contactId,
        now,
        message: chatMessage(body),
      },
    );
    if (input.page) await recordPageVisit(tx, tenantId, written.conversationId, input.page, now);
    return { conversationId: written.conversationId, conversationUuid: written.conversationUuid, contact, newSession };
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

/** A chat message as the widget stores it. */
const chatMessage = (body: { content: string; textContent: string }): CustomerMessage => ({
  contentType: "html",
  content: body.content,
  textContent: body.textContent,
  meta: { source: "livechat" },
});

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
 * The contact's message in their conversation `uuid`, as any customer's message moves a conversation
 * (conversation/incoming.ts), with the page they wrote from. `mediaIds`: their upload the message holds.
 */
export async function addIncoming(
  ctx: ContactCtx,
  uuid: string,
  input: {
    body: { content: string; textContent: string };
    preview: string;
    page?: PageVisit | undefined;
    mediaIds?: number[] | undefined;
  },
): Promise<{ messageId: number; messageUuid: string }> {
  const conversationId = await ownConversationId(ctx, uuid);
  const now = ctx.clock.now();
  return transaction(ctx, async (tx, after) => {
    const written = await recordCustomerMessage(
      within(ctx, tx, after),
      { conversationId },
      {
        tenantId: ctx.tenantId,
        contactId: ctx.actor.contactId,
        now,
        message: { ...chatMessage(input.body), preview: input.preview, mediaIds: input.mediaIds },
      },
    );
    if (input.page) await recordPageVisit(tx, ctx.tenantId, conversationId, input.page, now);
    return { messageId: written.messageId, messageUuid: written.messageUuid };
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
  return widgetConversations(
    ctx.db,
    ctx.actor.contactId,
    rows.map((r) => r.id),
  );
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
    .onConflictDoUpdate({
      target: [conversationReads.userId, conversationReads.conversationId],
      set: { lastSeenAt: now },
    });
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
