import type { Ctx } from "../context/index.ts";
import type { ConversationRef } from "../conversation/get.ts";
import { addReply, type ReplyInput } from "../conversation/reply.ts";
import { transaction, within } from "../db/transaction.ts";
import { messageViewById } from "./read.ts";
import type { MessageView } from "./view.ts";

/**
 * `POST …/conversations/{uuid}/messages`: an agent's reply or private note (conversation/reply.ts),
 * answered as the message is when it commits: read back in the reply's transaction, before its delivery
 * (queued after COMMIT) can move a public reply on from `pending`.
 */
export async function sendMessage(ctx: Ctx, ref: ConversationRef, input: ReplyInput): Promise<MessageView> {
  return transaction(ctx, async (tx, after) => {
    const inTx = within(ctx, tx, after);
    return messageViewById(inTx, await addReply(inTx, ref, input));
  });
}
