import { and, eq } from "drizzle-orm";
import { agentSignatureOf } from "../agent/signature.ts";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { visibleConversationId } from "../conversation/get.ts";
import { NotFoundError } from "../errors/index.ts";
import { composeSignature } from "./signature.ts";
import { users } from "../user/user.sql.ts";
import { loadInbox } from "../inbox/index.ts";

/**
 * `GET /inboxes/{id}/signature[?conversation_uuid=]` (LibreDesk's reply box asks for it): the caller's own
 * signature above the inbox's, placeholders filled for the caller, the inbox and, given a conversation the
 * caller may see (else 404), its contact. The same composition outgoing mail uses (mail-out/compose.ts).
 */
export async function replySignature(
  ctx: Ctx,
  inboxId: number,
  conversationUuid?: string,
): Promise<{ signature: string }> {
  if (ctx.actor.type !== "agent") throw new NotFoundError("Agent");
  const inbox = await loadInbox(ctx, inboxId);
  const [agent] = await ctx.db
    .select({
      firstName: users.firstName,
      lastName: users.lastName,
      email: users.email,
      preferences: users.preferences,
    })
    .from(users)
    .where(and(eq(users.id, ctx.actor.userId), eq(users.tenantId, ctx.tenantId)));
  if (!agent) throw new NotFoundError("Agent");
  let customer: { first_name: string; last_name: string } | undefined;
  if (conversationUuid) {
    const id = await visibleConversationId(ctx, { uuid: conversationUuid });
    const [contact] = await ctx.db
      .select({ first_name: users.firstName, last_name: users.lastName })
      .from(conversations)
      .innerJoin(users, eq(users.id, conversations.contactId))
      .where(eq(conversations.id, id));
    customer = contact;
  }
  const inboxTemplate = typeof inbox.config.signature === "string" ? inbox.config.signature : "";
  const signature = composeSignature(
    { agent: agentSignatureOf(agent.preferences), inbox: inboxTemplate },
    {
      agent: { first_name: agent.firstName, last_name: agent.lastName, email: agent.email ?? "" },
      inbox: { name: inbox.name },
      customer,
    },
  );
  return { signature };
}
