import { eq } from "drizzle-orm";
import { iso } from "../db/iso.ts";
import { transaction, type TxScope } from "../db/transaction.ts";
import { attachUploads } from "../media/attach.ts";
import { messages } from "./message.sql.ts";
import { previewOf } from "../html/sanitize.ts";
import { flagPci } from "../pci/flag.ts";
import type { Db } from "../port/database.ts";
import { systemStatus, type Status } from "../status/lookup.ts";
import { statuses } from "../status/status.sql.ts";
import { users } from "../user/user.sql.ts";
import type { ConversationRow } from "./change.ts";
import { conversations } from "./conversation.sql.ts";
import { nextReferenceNumber } from "./reference.ts";
import { statusChange } from "./status.ts";

/** What a customer wrote, as its channel stored it. */
export type CustomerMessage = {
  contentType: "html" | "text";
  /** Sanitised by the channel (mail import, widget, the agent recording it). */
  content: string;
  textContent: string;
  /** The conversation list's preview; the text's by default (a file sent alone shows its name). */
  preview?: string | undefined;
  /** An email's Message-ID (threading, duplicate detection). */
  sourceId?: string | null | undefined;
  meta: Record<string, unknown>;
  /** Files the message holds: imported parts or the sender's uploads, none attached to a message yet. */
  mediaIds?: readonly number[] | undefined;
  /** An auto-reply: kept, but nothing answers it, so it neither reopens the conversation nor makes it wait. */
  autoReply?: boolean | undefined;
};

export type Incoming = { tenantId: number; contactId: number; now: Date; message: CustomerMessage };

/** A conversation the customer's message opens. */
export type NewThread = {
  inboxId: number;
  subject?: string | undefined;
  meta?: Record<string, unknown> | undefined;
  /** Open by default, Spam when the contact is blocked; an agent recording the message may choose another. */
  status?: Status | undefined;
};

/** Where the message goes: an existing conversation (threaded mail, a chat reply) or a new one. */
export type IncomingTarget = { conversationId: number } | { open: NewThread };

export type IncomingWritten = {
  conversationId: number;
  conversationUuid: string;
  messageId: number;
  messageUuid: string;
};

/** Conversations in these states go back to Open when the customer writes again. */
const REOPENED: readonly (string | null)[] = ["Resolved", "Closed", "Snoozed"];

/**
 * The one way a customer's message enters a conversation, whatever its channel (mail, the chat widget, an
 * agent recording what the contact said). In one transaction (a savepoint of the caller's, through `within`):
 * the incoming message, its files, its card-data flag (pci/flag.ts), and the conversation's move
 * (`customerWrote`). Published after commit: `new_conversation` + `new_message` for a new conversation,
 * `new_message` + `conversation_update` with the changed fields for an existing one.
 */
export async function recordCustomerMessage(
  scope: TxScope,
  target: IncomingTarget,
  input: Incoming,
): Promise<IncomingWritten> {
  const { tenantId, now, message } = input;
  const preview = message.preview ?? previewOf(message.textContent);
  return transaction(scope, async (tx, after) => {
    const [contact] = await tx.select({ blocked: users.blocked }).from(users).where(eq(users.id, input.contactId));
    const blocked = contact?.blocked ?? false;
    const conversation =
      "open" in target
        ? await openConversation(tx, input, target.open, blocked, preview)
        : await lockConversation(tx, target.conversationId);
    const [row] = await tx
      .insert(messages)
      .values({
        tenantId,
        conversationId: conversation.row.id,
        type: "incoming",
        status: "received",
        private: false,
        contentType: message.contentType,
        content: message.content,
        textContent: message.textContent,
        senderId: input.contactId,
        senderType: "contact",
        sourceId: message.sourceId ?? null,
        meta: message.meta,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: messages.id, uuid: messages.uuid });
    const written = {
      conversationId: conversation.row.id,
      conversationUuid: conversation.row.uuid,
      messageId: row!.id,
      messageUuid: row!.uuid,
    };
    await attachUploads(tx, tenantId, written.messageId, message.mediaIds ?? []);
    // Flagged as it is stored: the new_message after commit carries the flag, so no message_update is needed.
    await flagPci(tx, tenantId, written.messageId, now);
    const base = { tenantId, conversationUuid: written.conversationUuid };
    if ("open" in target) {
      after.publish(
        { type: "new_conversation", ...base },
        { type: "new_message", ...base, messageUuid: written.messageUuid },
      );
      return written;
    }
    const open = REOPENED.includes(conversation.statusKey) ? await systemStatus(tx, tenantId, "Open") : null;
    const { set, changes } = customerWrote(conversation.row, {
      preview,
      now,
      quiet: blocked || message.autoReply === true,
      open,
    });
    await tx.update(conversations).set(set).where(eq(conversations.id, written.conversationId));
    after.publish(
      { type: "new_message", ...base, messageUuid: written.messageUuid },
      { type: "conversation_update", ...base, changes },
    );
    return written;
  });
}

/**
 * "A customer wrote": the conversation's last message is now theirs. Unless the message is quiet (an
 * auto-reply, or a blocked contact's: nothing should answer either) it is also the last interaction, the
 * conversation waits for an answer from now (an earlier wait is kept), and Resolved, Closed or Snoozed
 * conversations (`open` given) go back to Open as an agent's status change would move them.
 */
export function customerWrote(
  row: ConversationRow,
  opts: { preview: string; now: Date; quiet: boolean; open: Status | null },
): { set: Partial<ConversationRow>; changes: Record<string, unknown> } {
  const { now } = opts;
  const set: Partial<ConversationRow> = {
    lastMessage: opts.preview,
    lastMessageAt: now,
    lastMessageSenderType: "contact",
    updatedAt: now,
  };
  const changes: Record<string, unknown> = {
    last_message: opts.preview,
    last_message_at: iso(now),
    last_message_sender_type: "contact",
  };
  if (opts.quiet) return { set, changes };
  set.lastInteractionAt = now;
  changes.last_interaction_at = iso(now);
  if (!row.waitingSince) {
    set.waitingSince = now;
    changes.waiting_since = iso(now);
  }
  const reopen = opts.open && statusChange(row, opts.open, now, "");
  if (reopen) {
    Object.assign(set, reopen.set);
    Object.assign(changes, reopen.changes);
  }
  return { set, changes };
}

type Locked = { row: ConversationRow; statusKey: string | null };

async function lockConversation(tx: Db, id: number): Promise<Locked> {
  const [found] = await tx
    .select({ row: conversations, statusKey: statuses.systemKey })
    .from(conversations)
    .innerJoin(statuses, eq(statuses.id, conversations.statusId))
    .where(eq(conversations.id, id))
    .for("update", { of: conversations });
  if (!found) throw new Error(`conversation ${id} vanished before the customer's message was written`);
  return found;
}

/**
 * A new conversation holding the customer's message: its last message, last interaction and waiting time
 * start now, a blocked contact's in Spam unless the thread names a status (then Resolved and Closed stamp
 * their time).
 */
async function openConversation(
  tx: Db,
  input: Incoming,
  thread: NewThread,
  blocked: boolean,
  preview: string,
): Promise<Locked> {
  const { tenantId, now } = input;
  const status = thread.status ?? (await systemStatus(tx, tenantId, blocked ? "Spam" : "Open"));
  const [row] = await tx
    .insert(conversations)
    .values({
      tenantId,
      referenceNumber: await nextReferenceNumber(tx, tenantId),
      inboxId: thread.inboxId,
      contactId: input.contactId,
      statusId: status.id,
      subject: thread.subject,
      meta: thread.meta,
      lastMessage: preview,
      lastMessageAt: now,
      lastMessageSenderType: "contact",
      lastInteractionAt: now,
      waitingSince: now,
      resolvedAt: status.systemKey === "Resolved" ? now : null,
      closedAt: status.systemKey === "Closed" ? now : null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return { row: row!, statusKey: status.systemKey };
}
