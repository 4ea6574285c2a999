import { eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { assignUser } from "./assign.ts";
import { conversations } from "./conversation.sql.ts";
import type { EmailConfig } from "../inbox/email-config.ts";
import { inboxes } from "../inbox/inbox.sql.ts";

/**
 * Auto-assign on reply (inbox `config.auto_assign_on_reply`): a public reply to an unassigned conversation
 * assigns it to the replying agent, as an ordinary assignment (activity message, events). Run it inside the
 * reply's transaction (`ctx` bound to it with `within`, so its events wait for that COMMIT): the row is
 * locked first, so of two agents replying at once only the first becomes the assignee.
 */
export async function autoAssignOnReply(ctx: Ctx, conversationId: number, agentId: number): Promise<boolean> {
  const [row] = await ctx.db
    .select({ assignedUserId: conversations.assignedUserId, config: inboxes.config })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(eq(conversations.id, conversationId))
    .for("update", { of: conversations });
  if (!row || row.assignedUserId !== null || (row.config as Partial<EmailConfig>).auto_assign_on_reply !== true)
    return false;
  return assignUser(ctx, { id: conversationId }, agentId);
}
