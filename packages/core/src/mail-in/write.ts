import { and, eq, isNull, sql } from "drizzle-orm";
import { normalizeEmail } from "../contact/addresses.ts";
import { findContactIdByEmail, findOrCreateContactByEmail } from "../contact/identity.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { recordCustomerMessage } from "../conversation/incoming.ts";
import type { TxScope } from "../db/transaction.ts";
import type { EmailInbox } from "../inbox/email-config.ts";
import { storeMedia } from "../media/store.ts";
import { writeActivity } from "../conversation/activity.ts";
import { messages } from "../conversation/message.sql.ts";
import { htmlToText, sanitizeMessageHtml } from "../html/sanitize.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { classifyMail, type MailKind } from "./classify.ts";
import { mailImports } from "./mail-in.sql.ts";
import { headerLine, MAX_NAME_LENGTH, type IncomingMail } from "./parse.ts";
import { findThread, type ThreadRule } from "./thread.ts";

export type SkipReason =
  | "duplicate"
  | "own_address"
  | "own_message"
  | "agent_address"
  | "auto_reply_unmatched"
  | "bounce_unmatched";

export type ImportOutcome =
  | { status: "imported"; kind: MailKind; messageRowId: number; conversationId: number; rule: ThreadRule | "new" }
  | { status: "skipped"; reason: SkipReason };

const MAX_REFERENCES = 20;

/**
 * Writes one parsed mail of `inbox` in the caller's transaction (`scope` bound to it with `within`; it also
 * writes the ledger row), whose commit publishes the events.
 *
 * - Not imported (`skipped`): mail from the inbox's own address, aliases or reply-to address; our own
 *   outgoing mail seen again (its Message-ID is an outgoing `source_id`); a Message-ID already imported
 *   into this inbox; an auto-reply that threads nowhere; a bounce that refers to no message of this inbox;
 *   mail from the address of an agent of the workspace (`agent_address`, see isAgentAddress).
 * - A bounce (DSN, MAILER-DAEMON/postmaster) that refers to one of our messages becomes an `email_bounce`
 *   activity in that conversation: no status change, no waiting time, no new conversation.
 * - An auto-reply that threads is kept as an incoming message with `meta.auto_reply`, but never reopens
 *   the conversation or starts its waiting time: nothing answers it, so no loop can start.
 * - Anything else is a customer's message (conversation/incoming.ts), threaded (thread.ts) or in a new
 *   conversation (Open, or Spam when the sender is a blocked contact, whose mail never reopens one either).
 */
export async function importMail(
  scope: TxScope,
  blobs: BlobStore,
  inbox: EmailInbox,
  mail: IncomingMail,
  now: Date,
): Promise<ImportOutcome> {
  const tx = scope.db;
  const tenantId = inbox.tenantId;
  const skipped = (reason: SkipReason): ImportOutcome => ({ status: "skipped", reason });
  if (mail.from && ownAddresses(inbox).includes(mail.from.address)) return skipped("own_address");
  const seen = await seenBefore(tx, inbox, mail);
  if (seen) return skipped(seen);
  if (!mail.from) throw new Error("no sender address in From, Sender or Reply-To");
  const kind = classifyMail(mail);
  if (kind === "bounce") return recordBounce(scope, inbox, mail, now);

  const email = normalizeEmail(mail.from.address);
  if (await isAgentAddress(tx, tenantId, email)) return skipped("agent_address");
  const knownContact = await findContactIdByEmail(tx, tenantId, email);
  const thread = await findThread(tx, tenantId, inbox.id, mail, knownContact);
  if (kind === "auto_reply" && !thread) return skipped("auto_reply_unmatched");
  const contactId =
    knownContact ?? (await findOrCreateContactByEmail(tx, tenantId, { ...splitName(mail.from.name, email), email }));

  const stored = await storeAttachments(tx, blobs, tenantId, mail);
  const written = await recordCustomerMessage(
    scope,
    thread ? { conversationId: thread.conversationId } : { open: { inboxId: inbox.id, subject: mail.subject } },
    {
      tenantId,
      contactId,
      now,
      message: {
        ...body(mail, stored.cidUrls),
        sourceId: mail.messageId,
        meta: metaOf(mail, kind, thread?.rule ?? "new"),
        mediaIds: stored.ids,
        autoReply: kind === "auto_reply",
      },
    },
  );
  return {
    status: "imported",
    kind,
    messageRowId: written.messageId,
    conversationId: written.conversationId,
    rule: thread?.rule ?? "new",
  };
}

const addressOf = (value: string) => (/<([^>]+)>/.exec(value)?.[1] ?? value).trim().toLowerCase();

function ownAddresses(inbox: EmailInbox): string[] {
  return [inbox.from, inbox.config.reply_to ?? "", ...(inbox.config.aliases ?? [])]
    .map(addressOf)
    .filter((a) => a.includes("@"));
}

/**
 * Whether `email` is the address of an agent of the workspace (enabled or not; deleted agents are gone).
 * Decision: such mail is not imported, and recorded as skipped with reason `agent_address`. Agents answer
 * in the app; taking their mail in would make them a contact (a customer identity with an agent's address,
 * which the widget's sign-in and contact lookups would then match), and the From header is not proof of
 * the sender, so anyone could open conversations in an agent's name. Replying by mail as an agent would
 * need an authenticated path and is not offered.
 */
async function isAgentAddress(tx: Db, tenantId: number, email: string): Promise<boolean> {
  const [agent] = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.type, "agent"),
        isNull(users.deletedAt),
        eq(sql`lower(${users.email})`, email),
      ),
    )
    .limit(1);
  return agent !== undefined;
}

/**
 * `own_message` when the Message-ID is one of our outgoing messages (our sent mail seen again); `duplicate`
 * when this inbox already imported it under any UID (ledger key, or an incoming message's source_id).
 */
async function seenBefore(tx: Db, inbox: EmailInbox, mail: IncomingMail): Promise<"own_message" | "duplicate" | null> {
  if (mail.messageId) {
    const rows = await tx
      .select({ type: messages.type, inboxId: conversations.inboxId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.tenantId, inbox.tenantId), eq(messages.sourceId, mail.messageId)))
      .limit(20);
    if (rows.some((r) => r.type === "outgoing")) return "own_message";
    if (rows.some((r) => r.type === "incoming" && r.inboxId === inbox.id)) return "duplicate";
  }
  const [ledger] = await tx
    .select({ id: mailImports.id })
    .from(mailImports)
    .where(
      and(
        eq(mailImports.inboxId, inbox.id),
        eq(mailImports.messageId, mail.dedupeKey),
        eq(mailImports.status, "imported"),
      ),
    )
    .limit(1);
  return ledger ? "duplicate" : null;
}

/** A bounce of one of our messages, as an activity in its conversation; any other bounce is dropped. */
async function recordBounce(scope: TxScope, inbox: EmailInbox, mail: IncomingMail, now: Date): Promise<ImportOutcome> {
  const tx = scope.db;
  const refersTo = {
    ...mail,
    inReplyTo: [...(mail.bouncedMessageId ? [mail.bouncedMessageId] : []), ...mail.inReplyTo],
  };
  const hit =
    refersTo.inReplyTo.length || refersTo.references.length
      ? await findThread(tx, inbox.tenantId, inbox.id, refersTo, undefined)
      : null;
  if (!hit) return { status: "skipped", reason: "bounce_unmatched" };
  const conversation = await lockedConversation(tx, hit.conversationId);
  const reason = mail.bounceReason ?? mail.subject;
  const event = await writeActivity(
    tx,
    {
      tenantId: inbox.tenantId,
      conversationId: conversation.id,
      conversationUuid: conversation.uuid,
      senderId: null,
      now,
    },
    {
      kind: "email_bounce",
      text: `Email could not be delivered${reason ? `: ${reason}` : ""}`,
      meta: {
        from: mail.from?.address ?? null,
        subject: mail.subject,
        bounced_message_id: mail.bouncedMessageId,
        source_id: mail.messageId,
      },
    },
  );
  const messageUuid = event.type === "new_message" ? event.messageUuid : "";
  const [row] = await tx.select({ id: messages.id }).from(messages).where(eq(messages.uuid, messageUuid));
  await scope.events.publish([event]);
  return { status: "imported", kind: "bounce", messageRowId: row!.id, conversationId: conversation.id, rule: hit.rule };
}

/** The bounced conversation, locked as any write to it would (the activity joins its messages). */
async function lockedConversation(tx: Db, id: number): Promise<{ id: number; uuid: string }> {
  const [row] = await tx
    .select({ id: conversations.id, uuid: conversations.uuid })
    .from(conversations)
    .where(eq(conversations.id, id))
    .for("update");
  return row!;
}

/** Attachments and inline parts as media; `cid:` references of inline parts map to their media URL. */
async function storeAttachments(tx: Db, blobs: BlobStore, tenantId: number, mail: IncomingMail) {
  const ids: number[] = [];
  const cidUrls = new Map<string, string>();
  const html = mail.html ?? "";
  let n = 0;
  for (const part of mail.attachments) {
    n++;
    const cid = (part.cid ?? part.contentId ?? "").replace(/^<|>$/g, "").trim() || undefined;
    // Inline whether or not the part says Content-Disposition: inline, as long as the HTML shows it.
    const referenced = cid !== undefined && html.toLowerCase().includes(`cid:${cid.toLowerCase()}`);
    const inline = referenced || (part.contentDisposition === "inline" && cid !== undefined);
    const stored = await storeMedia(tx, blobs, {
      tenantId,
      filename: part.filename?.trim() || `attachment-${n}${extensionOf(part.contentType)}`,
      contentType: part.contentType || "application/octet-stream",
      bytes: new Uint8Array(part.content.buffer, part.content.byteOffset, part.content.byteLength),
      inline,
      contentId: cid,
      beyondStorageLimit: true,
    });
    ids.push(stored.id);
    if (cid) cidUrls.set(cid.toLowerCase(), `/uploads/${stored.uuid}`);
  }
  return { ids, cidUrls };
}

function extensionOf(contentType: string): string {
  const sub = contentType.split("/")[1]?.split(/[;+]/)[0]?.toLowerCase() ?? "";
  return /^[a-z0-9]{1,8}$/.test(sub) ? `.${sub === "jpeg" ? "jpg" : sub}` : "";
}

function body(mail: IncomingMail, cidUrls: Map<string, string>) {
  if (mail.html) {
    const html = mail.html.replace(
      /cid:([^"'\s)>]+)/gi,
      (whole, cid: string) => cidUrls.get(cid.toLowerCase()) ?? whole,
    );
    const content = sanitizeMessageHtml(html);
    const textContent = mail.text.trim() ? collapse(mail.text) : htmlToText(content);
    return { content, contentType: "html" as const, textContent };
  }
  const text = mail.text.trim();
  return { content: text, contentType: "text" as const, textContent: collapse(text) };
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

function metaOf(mail: IncomingMail, kind: MailKind, rule: ThreadRule | "new") {
  const meta: Record<string, unknown> = {
    from: mail.from?.name ? `${mail.from.name} <${mail.from.address}>` : (mail.from?.address ?? ""),
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    in_reply_to: mail.inReplyTo[0] ?? null,
    references: mail.references.slice(-MAX_REFERENCES),
    thread: rule,
  };
  if (kind === "auto_reply") meta.auto_reply = true;
  return meta;
}

function splitName(name: string, email: string) {
  const clean = name.replace(/^["']|["']$/g, "").trim();
  if (!clean) return { first_name: headerLine(email.split("@")[0]!, MAX_NAME_LENGTH), last_name: "" };
  const at = clean.lastIndexOf(" ");
  return at > 0
    ? { first_name: clean.slice(0, at).trim(), last_name: clean.slice(at + 1).trim() }
    : { first_name: clean, last_name: "" };
}
