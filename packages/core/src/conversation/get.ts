import { and, desc, eq, ne, type SQL } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { NotFoundError } from "../errors/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { users } from "../user/user.sql.ts";
import { conversationReads, conversations } from "./conversation.sql.ts";
import { listRow, selectConversationRows, type ConversationListRow } from "./list.ts";
import { visibleTo } from "./visibility.ts";

const c = conversations;

export type ConversationRef = { uuid: string } | { referenceNumber: number };

/** The id of a conversation the caller may see; invisible and other workspaces' are 404 alike. */
export async function visibleConversationId(ctx: Ctx, ref: ConversationRef): Promise<number> {
  const [row] = await ctx.db
    .select({ id: c.id })
    .from(c)
    .where(and(eq(c.tenantId, ctx.tenantId), refCondition(ref), visibleTo(ctx.actor)))
    .limit(1);
  if (!row) throw new NotFoundError("Conversation");
  return row.id;
}

function refCondition(ref: ConversationRef): SQL {
  return "uuid" in ref ? eq(c.uuid, ref.uuid) : eq(c.referenceNumber, ref.referenceNumber);
}

export type ConversationDetail = ConversationListRow & {
  contact: ConversationListRow["contact"] & {
    phone: string | null;
    phone_number: string | null;
    /** "visitor": a website visitor who never gave an email; not a contact the contacts routes serve. */
    type: "contact" | "visitor";
  };
  /** The inbox's sender address: LibreDesk's UI works out reply recipients from it. */
  inbox_mail: string;
  /** The contact's other conversations the caller sees, newest first (LibreDesk's sidebar lists them). */
  previous_conversations: PreviousConversation[];
  custom_attributes: Record<string, unknown>;
  meta: Record<string, unknown>;
  last_interaction_at: string | null;
  first_reply_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  snoozed_until: string | null;
  updated_at: string | null;
};

/** One conversation with everything the conversation pane shows. */
export async function getConversation(ctx: Ctx, ref: ConversationRef): Promise<ConversationDetail> {
  const id = await visibleConversationId(ctx, ref);
  const [[row], [extra]] = await Promise.all([
    selectConversationRows(ctx).where(eq(c.id, id)),
    ctx.db
      .select({
        phone: users.phone,
        contactType: users.type,
        inboxMail: inboxes.from,
        customAttributes: c.customAttributes,
        meta: c.meta,
        lastInteractionAt: c.lastInteractionAt,
        closedAt: c.closedAt,
        snoozedUntil: c.snoozedUntil,
      })
      .from(c)
      .innerJoin(users, eq(users.id, c.contactId))
      .innerJoin(inboxes, eq(inboxes.id, c.inboxId))
      .where(eq(c.id, id)),
  ]);
  const base = listRow(row!);
  const e = extra!;
  return {
    ...base,
    contact: {
      ...base.contact,
      phone: e.phone,
      phone_number: e.phone,
      type: e.contactType === "visitor" ? "visitor" : "contact",
    },
    inbox_mail: e.inboxMail,
    previous_conversations: await previousConversations(ctx, id, base.contact.id),
    custom_attributes: e.customAttributes,
    meta: e.meta,
    last_interaction_at: iso(e.lastInteractionAt),
    closed_at: iso(e.closedAt),
    snoozed_until: iso(e.snoozedUntil),
  };
}

const PREVIOUS_CONVERSATIONS = 10;

export type PreviousConversation = Pick<
  ConversationListRow,
  | "id"
  | "uuid"
  | "reference_number"
  | "subject"
  | "status"
  | "last_message"
  | "last_message_at"
  | "created_at"
  | "updated_at"
> & { contact: Pick<ConversationListRow["contact"], "first_name" | "last_name" | "avatar_url"> };

async function previousConversations(
  ctx: Ctx,
  conversationId: number,
  contactId: number,
): Promise<PreviousConversation[]> {
  const rows = await selectConversationRows(ctx)
    .where(
      and(eq(c.tenantId, ctx.tenantId), eq(c.contactId, contactId), ne(c.id, conversationId), visibleTo(ctx.actor)),
    )
    .orderBy(desc(c.createdAt), desc(c.id))
    .limit(PREVIOUS_CONVERSATIONS);
  return rows.map(listRow).map((r) => ({
    id: r.id,
    uuid: r.uuid,
    reference_number: r.reference_number,
    subject: r.subject,
    status: r.status,
    last_message: r.last_message,
    last_message_at: r.last_message_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
    contact: { first_name: r.contact.first_name, last_name: r.contact.last_name, avatar_url: r.contact.avatar_url },
  }));
}

/** Marks the conversation seen now by the caller (clears a mark-unread). */
export async function markSeen(ctx: Ctx, ref: ConversationRef, unread = false): Promise<void> {
  if (ctx.actor.type !== "agent") return;
  const conversationId = await visibleConversationId(ctx, ref);
  const values = { tenantId: ctx.tenantId, conversationId, userId: ctx.actor.userId };
  const state = unread ? { markedUnread: true } : { lastSeenAt: ctx.clock.now(), markedUnread: false };
  await ctx.db
    .insert(conversationReads)
    .values({ ...values, ...state })
    .onConflictDoUpdate({ target: [conversationReads.userId, conversationReads.conversationId], set: state });
}
