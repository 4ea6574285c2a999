import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { transaction, within } from "../db/transaction.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { maskConversationCopies } from "../conversation/redaction.ts";
import { actorName, writeActivity } from "../conversation/activity.ts";
import { messages } from "../conversation/message.sql.ts";
import { messageViewById, requireMessage, type MessageRef } from "../message/read.ts";
import { previewOf } from "../html/sanitize.ts";
import type { MessageView } from "../message/view.ts";
import { notifications } from "../notification/notification.sql.ts";
import type { Db } from "../port/database.ts";
import { maskHtml, scanHtml } from "./html.ts";
import { isRedacted, type PciFlag } from "./flag.ts";
import { maskText, PCI_KINDS, scanText, type PciHit, type PciKind } from "./scan.ts";

/**
 * Redaction replaces card data irreversibly: card numbers by `•••• •••• •••• 4242`, CVVs by `•••`, expiry
 * dates by `••/••`, in the message's HTML, its text (and so its generated search vector), the string
 * values of its `meta`, and wherever the conversation or a notification repeats it (list preview,
 * subject, mention notifications). Every kind is masked whatever the detection settings say: redaction is
 * an agent's (or the safety net's) explicit decision about one message.
 */

type Masked = { value: string; hits: PciHit[] };

function maskPlain(text: string): Masked {
  const hits = scanText(text);
  return { value: hits.length ? maskText(text, hits) : text, hits };
}

/** Visible text first (mapped onto the markup), then whatever the raw markup still holds (attribute values). */
function maskMarkup(html: string): Masked {
  const { projection, hits } = scanHtml(html);
  const visible = hits.length ? maskHtml(html, projection, hits) : html;
  const raw = maskPlain(visible);
  return { value: raw.value, hits: [...hits, ...raw.hits] };
}

/** String values anywhere in `meta` (an email's subject or headers, say), except the flag itself. */
function maskMeta(meta: Record<string, unknown>): { value: Record<string, unknown>; hits: PciHit[] } {
  const hits: PciHit[] = [];
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") {
      const masked = maskPlain(v);
      hits.push(...masked.hits);
      return masked.value;
    }
    if (depth > 8 || v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, depth + 1)]));
  };
  const { pci_detected: _flag, ...rest } = meta;
  return { value: walk(rest, 0) as Record<string, unknown>, hits };
}

/** A preview of the message's old text becomes the preview of its new text; any other text is scanned. */
function maskCopy(copy: string, oldText: string, newText: string): string {
  if (copy === previewOf(oldText)) return previewOf(newText);
  return maskPlain(copy).value;
}

/**
 * Redacts message `messageId` inside one transaction, under its row lock; `senderId` signs the activity
 * message (the agent, or the workspace's System user for the safety net). Nothing to mask and no pending
 * flag: nothing is written (redacting twice is a no-op). Otherwise writes the masked fields, marks
 * `meta.pci_detected` redacted, masks the copies, and records "<actor> redacted card data". True when it
 * redacted; the events follow the commit.
 */
export async function redactMessageById(ctx: Ctx, messageId: number, senderId: number | null): Promise<boolean> {
  const now = ctx.clock.now();
  return transaction(ctx, async (tx, after) => {
    const [row] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.tenantId, ctx.tenantId), eq(messages.id, messageId)))
      .for("update");
    if (!row) return false;
    const content = row.contentType === "html" ? maskMarkup(row.content) : maskPlain(row.content);
    const text = maskPlain(row.textContent);
    const meta = maskMeta(row.meta);
    const hits = [...content.hits, ...text.hits, ...meta.hits];
    const flag = row.meta.pci_detected as PciFlag | undefined;
    const pending = flag !== undefined && !isRedacted(flag);
    if (hits.length === 0 && !pending) return false;
    const kinds: PciKind[] = PCI_KINDS.filter((k) => hits.some((h) => h.kind === k));
    const count = Math.max(content.hits.length, text.hits.length);
    const redactedBy = ctx.actor.type === "agent" ? ctx.actor.userId : null;
    const redactedFlag: PciFlag = { redacted_at: now.toISOString(), redacted_by: redactedBy, kinds, count };
    const newMeta = { ...meta.value, pci_detected: redactedFlag };
    await tx
      .update(messages)
      .set({ content: content.value, textContent: text.value, meta: newMeta, updatedAt: now })
      .where(eq(messages.id, row.id));
    await maskConversationCopies(within(ctx, tx, after), row.conversationId, {
      lastMessage: (copy) => maskCopy(copy, row.textContent, text.value),
      subject: (copy) => maskPlain(copy).value,
    });
    await maskNotificationCopies(tx, row.id, row.textContent, text.value);
    const [conversation] = await tx
      .select({ uuid: conversations.uuid })
      .from(conversations)
      .where(eq(conversations.id, row.conversationId));
    const base = { tenantId: ctx.tenantId, conversationUuid: conversation!.uuid };
    const activity = await writeActivity(
      tx,
      {
        tenantId: ctx.tenantId,
        conversationId: row.conversationId,
        conversationUuid: base.conversationUuid,
        senderId,
        now,
      },
      { kind: "pci_redact", text: `${actorName(ctx.actor)} redacted card data`, meta: { message_uuid: row.uuid } },
    );
    after.publish(
      {
        type: "message_update",
        ...base,
        messageUuid: row.uuid,
        changes: { content: content.value, text_content: text.value, meta: newMeta },
      },
      activity,
    );
    return true;
  });
}

async function maskNotificationCopies(tx: Db, messageId: number, oldText: string, newText: string) {
  const rows = await tx
    .select({ id: notifications.id, title: notifications.title, description: notifications.description })
    .from(notifications)
    .where(eq(notifications.messageId, messageId));
  for (const n of rows) {
    const title = maskPlain(n.title).value;
    const description = maskCopy(n.description, oldText, newText);
    if (title !== n.title || description !== n.description) {
      await tx.update(notifications).set({ title, description }).where(eq(notifications.id, n.id));
    }
  }
}

/**
 * `POST …/messages/{uuid}/redact`: any message of a visible conversation (incoming, outgoing, private
 * note). Answers the message as it now is; a message with nothing to redact is answered unchanged (200),
 * so retries and double clicks are harmless.
 */
export async function redactMessage(ctx: Ctx, ref: MessageRef): Promise<MessageView> {
  const row = await requireMessage(ctx, ref);
  const senderId = ctx.actor.type === "agent" ? ctx.actor.userId : null;
  await redactMessageById(ctx, row.id, senderId);
  return messageViewById(ctx, row.id);
}
