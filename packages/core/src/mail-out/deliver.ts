import { and, eq } from "drizzle-orm";
import type { AgentActor, Actor, Ctx } from "../context/index.ts";
import { changeConversation } from "../conversation/change.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { statusChange } from "../conversation/status.ts";
import type { Keyring } from "../crypto/secret-box.ts";
import { transaction, within } from "../db/transaction.ts";
import { readEmailInbox, type SmtpServer } from "../inbox/email-config.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { actorName, writeActivity } from "../conversation/activity.ts";
import { messages } from "../conversation/message.sql.ts";
import type { BlobStore } from "../port/blob-store.ts";
import {
  ChannelSendError,
  type ChannelMail,
  type ChannelMailer,
  type ChannelSendResult,
} from "../port/channel-mailer.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import type { DomainEvent, Events } from "../port/events.ts";
import type { Queue } from "../port/queue.ts";
import { describeError, errorReason } from "../errors/describe.ts";
import { findStatus } from "../status/lookup.ts";
import { users } from "../user/user.sql.ts";
import { claimDelivery, deliveryOf, releaseDelivery, sameClaim, undelivered, type ClaimedMessage } from "./claim.ts";
import { agentSignatureOf } from "../agent/signature.ts";
import { composeMail, forwardedTo } from "./compose.ts";
import { outgoingMessageId } from "./headers.ts";

export type DeliveryDeps = {
  db: Db;
  clock: Clock;
  secrets: Keyring;
  blobs: BlobStore;
  events: Events;
  /** Follow-up work of the after-send changes (an assignment's notification), published after their commit. */
  queue: Queue;
  channelMailer: ChannelMailer;
};

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

/**
 * The `message.deliver` job (docs: "Outgoing email"): sends one public outgoing message through its
 * inbox's channel. Idempotent: a message that is no longer pending (or sending without a live lease) is
 * left alone, so a duplicate or late queue message does nothing.
 *
 * Email: pending → sending (claimed under a lease, `source_id` = its Message-ID) → sent | failed, each
 * committed change a `message_update`. A transient failure (connection, timeout, 4xx) keeps it `sending`,
 * gives the lease up and throws, so the queue retries with backoff; the dead-message handler marks it
 * failed after the last attempt (failUndelivered). A permanent one (5xx, every recipient refused, no SMTP
 * server, a missing file) fails it at once. `set_status` and the forward's activity note are applied in
 * the transaction that records `sent`, i.e. only once the SMTP server accepted the mail.
 *
 * Live chat: the widget already received the message through realtime when it was written, so it is
 * simply `sent` (pending → sent), with `set_status` applied the same way.
 */
export async function deliverMessage(deps: DeliveryDeps, tenantId: number, messageId: number): Promise<void> {
  const loaded = await load(deps.db, tenantId, messageId);
  if (!loaded || (loaded.row.status !== "pending" && loaded.row.status !== "sending")) return;
  if (loaded.inboxChannel === "livechat") return deliverLiveChat(deps, loaded);
  const inbox = await readEmailInbox(deps.db, deps.secrets, tenantId, loaded.row.inboxId);
  const claimed = await claimDelivery(
    deps.db,
    loaded.row,
    outgoingMessageId(loaded.row.uuid, inbox?.from ?? loaded.inboxFrom),
    deps.clock.now(),
  );
  if (!claimed) return;
  if (claimed.status === "pending") await deps.events.publish([statusEvent(loaded, "sending")]);
  let result: ChannelSendResult;
  let mail: ChannelMail;
  try {
    if (!inbox) throw new ChannelSendError("the inbox is disabled or deleted", true);
    if (inbox.smtp.length === 0) throw new ChannelSendError("the inbox has no SMTP server configured", true);
    mail = await composeMail(deps.db, deps.blobs, {
      message: loaded.row,
      messageId: claimed.sourceId,
      conversation: loaded.conversation,
      inbox,
      sender: loaded.sender && { ...loaded.sender, signature: agentSignatureOf(loaded.sender.preferences) },
      customer: loaded.customer,
    });
    if (mail.to.length + mail.cc.length + mail.bcc.length === 0)
      throw new ChannelSendError("the message has no recipients", true);
    result = await sendThroughServers(deps.channelMailer, inbox.smtp, mail);
  } catch (err) {
    const reason = errorReason(err);
    if (err instanceof ChannelSendError && err.permanent) {
      await finishFailed(deps, loaded, claimed, reason, err.rejected);
      return;
    }
    await releaseDelivery(deps.db, loaded.row.id, claimed, reason, deps.clock.now());
    throw err;
  }
  // The mail is out: from here on nothing may ask the queue to send it again.
  await finishSent(deps, loaded, claimed, result, mail).catch((err) => {
    console.error(
      `[deliver] message ${messageId} (tenant ${tenantId}) was sent but could not be recorded as sent: ${describeError(err)}`,
    );
  });
}

/** Tries the inbox's SMTP servers in order; a transient failure moves on to the next, a permanent one stops. */
async function sendThroughServers(
  mailer: ChannelMailer,
  servers: readonly SmtpServer[],
  mail: ChannelMail,
): Promise<ChannelSendResult> {
  let last: unknown;
  for (const server of servers) {
    try {
      return await mailer.send(server, mail);
    } catch (err) {
      if (err instanceof ChannelSendError && err.permanent) throw err;
      last = err;
    }
  }
  throw last;
}

async function load(db: Db, tenantId: number, messageId: number) {
  const [row] = await db
    .select({
      id: messages.id,
      uuid: messages.uuid,
      tenantId: messages.tenantId,
      conversationId: messages.conversationId,
      type: messages.type,
      private: messages.private,
      status: messages.status,
      content: messages.content,
      textContent: messages.textContent,
      senderId: messages.senderId,
      sourceId: messages.sourceId,
      meta: messages.meta,
      createdAt: messages.createdAt,
      inboxId: conversations.inboxId,
      conversationUuid: conversations.uuid,
      subject: conversations.subject,
      referenceNumber: conversations.referenceNumber,
      inboxChannel: inboxes.channel,
      inboxFrom: inboxes.from,
      customerFirstName: users.firstName,
      customerLastName: users.lastName,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(users, eq(users.id, conversations.contactId))
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, messageId), eq(conversations.tenantId, tenantId)));
  if (row?.type !== "outgoing" || row.private) return undefined;
  const [sender] = row.senderId
    ? await db
        .select({
          id: users.id,
          firstName: users.firstName,
          lastName: users.lastName,
          email: users.email,
          preferences: users.preferences,
        })
        .from(users)
        .where(and(eq(users.id, row.senderId), eq(users.tenantId, tenantId)))
    : [];
  return {
    row,
    inboxChannel: row.inboxChannel,
    inboxFrom: row.inboxFrom,
    conversation: {
      id: row.conversationId,
      uuid: row.conversationUuid,
      subject: row.subject,
      referenceNumber: row.referenceNumber,
    },
    sender: sender ?? null,
    customer: { first_name: row.customerFirstName, last_name: row.customerLastName },
  };
}

const statusEvent = (loaded: Loaded, status: string, extra: Record<string, unknown> = {}): DomainEvent => ({
  type: "message_update",
  tenantId: loaded.row.tenantId,
  conversationUuid: loaded.conversation.uuid,
  messageUuid: loaded.row.uuid,
  changes: { status, ...extra },
});

/** Who the after-send changes are attributed to: the replying agent ("Ada set status to Resolved"). */
function senderActor(loaded: Loaded): Actor {
  const s = loaded.sender;
  if (!s) return { type: "system", tenantId: loaded.row.tenantId };
  const agent: AgentActor = {
    type: "agent",
    tenantId: loaded.row.tenantId,
    userId: s.id,
    email: s.email ?? "",
    firstName: s.firstName,
    lastName: s.lastName,
    permissions: new Set(),
    via: "api_key",
  };
  return agent;
}

const withoutPending = (meta: Record<string, unknown>) => {
  const { pending_delivery: _done, ...rest } = meta;
  return rest;
};

/**
 * Records `sent` (recipients as the server answered, the forward) and applies what waited for acceptance,
 * in one transaction: `set_status` as a status change with its activity, and a forward's activity note.
 */
async function finishSent(
  deps: DeliveryDeps,
  loaded: Loaded,
  claimed: ClaimedMessage | null,
  result: ChannelSendResult | null,
  mail: ChannelMail | null,
) {
  const now = deps.clock.now();
  const actor = senderActor(loaded);
  const forward = forwardedTo(loaded.row.meta);
  const meta: Record<string, unknown> = withoutPending(claimed?.meta ?? loaded.row.meta);
  if (claimed) meta.delivery = { ...deliveryOf(claimed.meta), lease_until: null };
  if (result) meta.recipients = { accepted: result.accepted, rejected: result.rejected };
  if (forward.length && mail) meta.forward = { to: forward, cc: mail.cc, bcc: mail.bcc, at: now.toISOString() };
  await transaction(deps, async (tx, after) => {
    const [done] = await tx
      .update(messages)
      .set({ status: "sent", meta, updatedAt: now })
      .where(
        and(
          eq(messages.id, loaded.row.id),
          claimed ? and(eq(messages.status, "sending"), sameClaim(claimed.claim)) : undelivered(),
        ),
      )
      .returning({ id: messages.id });
    // Another run took the message over (our lease ran out mid-send): it records the outcome.
    if (!done) return;
    after.publish(statusEvent(loaded, "sent"));
    if (forward.length) {
      const who = actorName(actor);
      after.publish(
        await writeActivity(
          tx,
          {
            tenantId: loaded.row.tenantId,
            conversationId: loaded.conversation.id,
            conversationUuid: loaded.conversation.uuid,
            senderId: loaded.sender?.id ?? null,
            now,
          },
          {
            kind: "forward",
            text: `${who} forwarded to ${forward.join(", ")}`,
            meta: { forwarded_to: forward, message_uuid: loaded.row.uuid },
          },
        ),
      );
    }
    const wanted = typeof loaded.row.meta.set_status === "string" ? loaded.row.meta.set_status : "";
    if (wanted) {
      const ctx: Ctx = within(
        {
          db: deps.db,
          clock: deps.clock,
          events: deps.events,
          queue: deps.queue,
          tenantId: loaded.row.tenantId,
          actor,
        },
        tx,
        after,
      );
      const status = await findStatus(ctx, wanted).catch(() => null);
      if (!status) {
        console.error(
          `[deliver] set_status "${wanted}" of message ${loaded.row.id} no longer exists; status left unchanged`,
        );
      } else {
        await changeConversation(
          ctx,
          { id: loaded.conversation.id },
          (row, _tx, who) => statusChange(row, status, now, who),
          loaded.sender?.id ?? null,
        );
      }
    }
  });
}

/** A permanent failure: `failed` with the reason (and the refused recipients); the status is not applied. */
async function finishFailed(
  deps: DeliveryDeps,
  loaded: Loaded,
  claimed: ClaimedMessage,
  reason: string,
  rejected: string[],
) {
  const now = deps.clock.now();
  const meta: Record<string, unknown> = {
    ...withoutPending(claimed.meta),
    delivery: { ...deliveryOf(claimed.meta), lease_until: null, last_error: reason },
  };
  if (rejected.length) meta.recipients = { accepted: [], rejected };
  const [done] = await deps.db
    .update(messages)
    .set({ status: "failed", meta, updatedAt: now })
    .where(and(eq(messages.id, loaded.row.id), eq(messages.status, "sending"), sameClaim(claimed.claim)))
    .returning({ id: messages.id });
  if (done) await deps.events.publish([statusEvent(loaded, "failed")]);
}

async function deliverLiveChat(deps: DeliveryDeps, loaded: Loaded) {
  if (forwardedTo(loaded.row.meta).length) {
    const now = deps.clock.now();
    const meta = { ...withoutPending(loaded.row.meta), delivery: { last_error: "forwarding needs an email inbox" } };
    const [done] = await deps.db
      .update(messages)
      .set({ status: "failed", meta, updatedAt: now })
      .where(and(eq(messages.id, loaded.row.id), undelivered()))
      .returning({ id: messages.id });
    if (done) await deps.events.publish([statusEvent(loaded, "failed")]);
    return;
  }
  await finishSent(deps, loaded, null, null, null);
}

/**
 * The dead-message handler of `message.deliver`: the last attempt failed transiently, so the message is
 * `failed` with the last reason (its sender may retry it). A message already finished is left alone.
 */
export async function failUndelivered(
  deps: DeliveryDeps,
  tenantId: number,
  messageId: number,
  reason: string,
): Promise<void> {
  const loaded = await load(deps.db, tenantId, messageId);
  if (!loaded || (loaded.row.status !== "pending" && loaded.row.status !== "sending")) return;
  const meta = {
    ...withoutPending(loaded.row.meta),
    delivery: { ...deliveryOf(loaded.row.meta), lease_until: null, last_error: reason },
  };
  const [done] = await deps.db
    .update(messages)
    .set({ status: "failed", meta, updatedAt: deps.clock.now() })
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.status, loaded.row.status),
        sameClaim(deliveryOf(loaded.row.meta).claim),
      ),
    )
    .returning({ id: messages.id });
  if (done) await deps.events.publish([statusEvent(loaded, "failed")]);
}
