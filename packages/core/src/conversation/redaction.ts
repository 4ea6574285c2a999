import { eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { transaction } from "../db/transaction.ts";
import { conversations } from "./conversation.sql.ts";

/** How a redaction rewrites the conversation's copies of a message's text (pci/redact.ts). */
export type CopyMask = { lastMessage: (copy: string) => string; subject: (copy: string) => string };

/**
 * A redaction's copies on the conversation: its list preview and its subject, rewritten by `mask` under the
 * row lock. Run it in the redaction's transaction (`ctx` bound to it with `within`), before anything else
 * there touches the conversation, so redactions of two messages of one conversation lock in the same order.
 * What changed is published as a `conversation_update` after commit; nothing changed, nothing is written.
 */
export async function maskConversationCopies(ctx: Ctx, conversationId: number, mask: CopyMask): Promise<void> {
  await transaction(ctx, async (tx, after) => {
    const [row] = await tx
      .select({ uuid: conversations.uuid, lastMessage: conversations.lastMessage, subject: conversations.subject })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .for("update");
    if (!row) return;
    const lastMessage = mask.lastMessage(row.lastMessage);
    const subject = mask.subject(row.subject);
    const changes: Record<string, unknown> = {};
    if (lastMessage !== row.lastMessage) changes.last_message = lastMessage;
    if (subject !== row.subject) changes.subject = subject;
    if (Object.keys(changes).length === 0) return;
    await tx.update(conversations).set({ lastMessage, subject }).where(eq(conversations.id, conversationId));
    after.publish({ type: "conversation_update", tenantId: ctx.tenantId, conversationUuid: row.uuid, changes });
  });
}
