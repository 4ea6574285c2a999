import type { Ctx } from "../context/index.ts";
import type { ConversationRef } from "../conversation/get.ts";
import { addReply, type ReplyInput } from "../conversation/reply.ts";
import { messageViewById } from "./read.ts";
import type { MessageView } from "./view.ts";

/** `POST …/conversations/{uuid}/messages`: an agent's reply or private note (conversation/reply.ts), answered as the message. */
export async function sendMessage(ctx: Ctx, ref: ConversationRef, input: ReplyInput): Promise<MessageView> {
  return messageViewById(ctx, await addReply(ctx, ref, input));
}
