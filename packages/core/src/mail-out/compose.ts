import { and, asc, eq, inArray, isNotNull, lt, or } from "drizzle-orm";
import type { EmailInbox } from "../inbox/email-config.ts";
import { media } from "../media/media.sql.ts";
import { messages } from "../conversation/message.sql.ts";
import { htmlToText } from "../html/sanitize.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { ChannelAttachment, ChannelMail } from "../port/channel-mailer.ts";
import { ChannelSendError } from "../port/channel-mailer.ts";
import type { Db } from "../port/database.ts";
import {
  addressOf,
  displayNameOf,
  domainOf,
  forwardSubject,
  plusAddress,
  replySubject,
  threadingOf,
} from "./headers.ts";
import { replaceUploadImages, uploadImageUuids } from "../media/inline-images.ts";
import { composeSignature, containsSignature } from "./signature.ts";

export type OutgoingRecord = {
  id: number;
  uuid: string;
  tenantId: number;
  conversationId: number;
  content: string;
  textContent: string;
  meta: Record<string, unknown>;
  createdAt: Date;
};

export type ComposeInput = {
  message: OutgoingRecord;
  /** The Message-ID claimed for this message (`source_id`). */
  messageId: string;
  conversation: { uuid: string; subject: string; referenceNumber: number };
  inbox: EmailInbox;
  /** The replying agent (null: a message without a sender, e.g. an automation); `signature` is their own. */
  sender: { firstName: string; lastName: string; email: string | null; signature?: string | undefined } | null;
  /** The conversation's contact, for the signature's `{{customer.*}}` placeholders. */
  customer?: { first_name: string; last_name: string } | undefined;
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** Forward recipients (`meta.forwarded_to`); empty for an ordinary reply. */
export const forwardedTo = (meta: Record<string, unknown>) => strings(meta.forwarded_to);

/**
 * The email for an outgoing message (docs: "Outgoing email"):
 * - From: the alias chosen in `meta.from`, else the inbox's `from`, with the agent's name as display name
 *   (the address's own display name when there is no agent);
 * - To/Cc/Bcc from `meta`; a forward goes to `meta.forwarded_to` instead of `meta.to` (cc/bcc kept);
 * - Reply-To: the per-conversation plus address when the inbox enables plus-addressing, else `reply_to`;
 * - Subject and threading per the shared contract; a forward is a fresh thread (no In-Reply-To/References);
 * - HTML with the reply signature (signature.ts composeSignature) appended unless the message already carries
 *   it (the LibreDesk UI inserts it into the editor), our uploads' images as CID parts, plus a text alternative;
 * - the message's other media as attachments.
 */
export async function composeMail(db: Db, blobs: BlobStore, input: ComposeInput): Promise<ChannelMail> {
  const { message, conversation, inbox, sender } = input;
  const meta = message.meta;
  const chosen = typeof meta.from === "string" && meta.from ? meta.from : inbox.from;
  const agentName = sender ? `${sender.firstName} ${sender.lastName}`.trim() : "";
  const from = {
    name: agentName || displayNameOf(chosen) || displayNameOf(inbox.from) || inbox.name,
    address: addressOf(chosen),
  };
  const forward = forwardedTo(meta);
  const replyBase = addressOf(inbox.config.reply_to || inbox.from);
  const replyTo = inbox.config.enable_plus_addressing
    ? plusAddress(replyBase, conversation.uuid)
    : inbox.config.reply_to
      ? inbox.config.reply_to
      : undefined;
  const threading = forward.length ? {} : threadingOf(await earlierMessageIds(db, message));
  const { html, attachments } = await bodyParts(db, blobs, message, domainOf(addressOf(inbox.from)) || "localhost");
  const composed = composeSignature(
    { agent: sender?.signature, inbox: inbox.config.signature },
    {
      agent: { first_name: sender?.firstName ?? "", last_name: sender?.lastName ?? "", email: sender?.email ?? "" },
      inbox: { name: inbox.name },
      customer: input.customer,
    },
  );
  const signature = containsSignature(html, composed) ? "" : composed;
  const text = htmlToText(html.replace(/<img\b[^>]*>/gi, ""));
  return {
    from,
    to: forward.length ? forward : strings(meta.to),
    cc: strings(meta.cc),
    bcc: strings(meta.bcc),
    replyTo,
    subject: forward.length
      ? forwardSubject(conversation.subject)
      : replySubject(conversation.subject, conversation.referenceNumber),
    messageId: input.messageId,
    ...threading,
    html: signature ? `${html}\n<br>\n<div>${signature}</div>` : html,
    text: signature ? `${text}\n\n-- \n${htmlToText(signature)}` : text,
    attachments,
  };
}

/** Message-IDs of the conversation's earlier mail that went out or came in, oldest first. */
async function earlierMessageIds(db: Db, message: OutgoingRecord): Promise<string[]> {
  const rows = await db
    .select({ sourceId: messages.sourceId })
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, message.tenantId),
        eq(messages.conversationId, message.conversationId),
        isNotNull(messages.sourceId),
        inArray(messages.status, ["received", "sent"]),
        or(
          lt(messages.createdAt, message.createdAt),
          and(eq(messages.createdAt, message.createdAt), lt(messages.id, message.id)),
        ),
      ),
    )
    .orderBy(asc(messages.createdAt), asc(messages.id));
  return [...new Set(rows.map((r) => r.sourceId!))];
}

/**
 * The HTML with inline images as `cid:` references, and the files to send. Images may name uploads held by
 * this message or by another message of the same conversation (a quoted image); anything else, or media
 * of another workspace, is never embedded. The message's own media not shown inline are attachments.
 */
async function bodyParts(db: Db, blobs: BlobStore, message: OutgoingRecord, domain: string) {
  const inlineUuids = uploadImageUuids(message.content);
  const rows = await db
    .select({
      uuid: media.uuid,
      filename: media.filename,
      contentType: media.contentType,
      storageKey: media.storageKey,
      messageId: media.messageId,
      conversationId: messages.conversationId,
    })
    .from(media)
    .innerJoin(messages, eq(messages.id, media.messageId))
    .where(
      and(
        eq(media.tenantId, message.tenantId),
        eq(messages.tenantId, message.tenantId),
        inlineUuids.length
          ? or(
              eq(media.messageId, message.id),
              and(eq(messages.conversationId, message.conversationId), inArray(media.uuid, inlineUuids)),
            )
          : eq(media.messageId, message.id),
      ),
    )
    .orderBy(asc(media.id));
  const cids = new Map<string, string>();
  const attachments: ChannelAttachment[] = [];
  for (const row of rows) {
    const inline = inlineUuids.includes(row.uuid);
    if (!inline && row.messageId !== message.id) continue;
    const blob = await blobs.get(row.storageKey);
    if (!blob) throw new ChannelSendError(`the file "${row.filename}" is missing from storage`, true);
    const contentId = inline ? `${row.uuid}@${domain}` : undefined;
    if (contentId) cids.set(row.uuid, contentId);
    attachments.push({ filename: row.filename, contentType: row.contentType, content: blob.body, contentId });
  }
  return { html: replaceUploadImages(message.content, cids), attachments };
}
