import { eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import type { SystemStatus } from "../status/status.sql.ts";
import { changeConversation, type ChangeTarget } from "./change.ts";
import { conversations } from "./conversation.sql.ts";
import { visibleConversationId, type ConversationRef } from "./get.ts";
import { purgeConversations } from "./purge.ts";
import { statusChange, systemStatus } from "./status.ts";

/** The bucket moves: to Trash or Spam, and back to Open from the bucket it is in. */
const MOVES = {
  trash: { to: "Trashed", from: null },
  spam: { to: "Spam", from: null },
  restore: { to: "Open", from: "Trashed" },
  "not-spam": { to: "Open", from: "Spam" },
} as const satisfies Record<string, { to: SystemStatus; from: SystemStatus | null }>;

export type BucketMove = keyof typeof MOVES;

export async function moveConversation(ctx: Ctx, target: ChangeTarget, move: BucketMove): Promise<boolean> {
  const { to, from } = MOVES[move];
  const status = await systemStatus(ctx.db, ctx.tenantId, to);
  const required = from && (await systemStatus(ctx.db, ctx.tenantId, from));
  return changeConversation(ctx, target, (row, _tx, who) => {
    if (required && row.statusId !== required.id)
      throw new InputError(`status: the conversation is not in ${required.name}`);
    return statusChange(row, status, ctx.clock.now(), who);
  });
}

/** Hard delete (purge.ts: messages, tags, drafts… and files); only a conversation in the trash may be deleted. */
export async function deleteConversation(ctx: Ctx, ref: ConversationRef): Promise<void> {
  const id = await visibleConversationId(ctx, ref);
  const trashed = await systemStatus(ctx.db, ctx.tenantId, "Trashed");
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ statusId: conversations.statusId })
      .from(conversations)
      .where(eq(conversations.id, id))
      .for("update");
    if (row?.statusId !== trashed.id) throw new InputError("status: only a conversation in the trash can be deleted");
    await purgeConversations(tx, ctx.tenantId, [id], ctx.clock.now());
  });
}
