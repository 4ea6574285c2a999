import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { eraseContactConversations } from "../conversation/contacts.ts";
import { transaction, within } from "../db/transaction.ts";
import { NotFoundError } from "../errors/index.ts";
import { swapAvatar } from "../media/avatar.ts";
import { users } from "../user/user.sql.ts";
import { contactsOf } from "./scope.ts";

/**
 * `DELETE /contacts/{id}` (`contacts:delete`): erases the contact and everything that is theirs, as a
 * LibreDesk admin deleting a contact expects of a privacy request — their conversations (messages, files via
 * the orphan cleanup, tags, drafts) and whatever they wrote that a merge moved into another contact's
 * conversation (conversation/contacts.ts, which publishes those messages' deletion), their notes, alternate
 * channels and widget sessions (cascades), an uploaded avatar (media/avatar.ts). Agents' own records
 * (notifications, their notes' authorship) stay. One transaction under the contact's row lock: a delete
 * racing a new conversation for the same contact either sees it or makes it fail (foreign key).
 */
export async function deleteContact(ctx: Ctx, id: number): Promise<void> {
  const now = ctx.clock.now();
  await transaction(ctx, async (tx, after) => {
    const [contact] = await tx
      .select({ id: users.id, avatarUrl: users.avatarUrl })
      .from(users)
      .where(and(contactsOf(ctx), eq(users.id, id)))
      .for("update");
    if (!contact) throw new NotFoundError("Contact");
    await swapAvatar(tx, ctx.tenantId, contact.avatarUrl, null, now);
    await eraseContactConversations(within(ctx, tx, after), id);
    await tx.delete(users).where(eq(users.id, id));
  });
}
