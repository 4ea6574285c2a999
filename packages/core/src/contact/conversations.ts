import type { Ctx } from "../context/index.ts";
import { listConversations, type ConversationListQuery, type ConversationListRow } from "../conversation/list.ts";
import type { PageResult } from "../page/index.ts";
import { requireContact } from "./scope.ts";

/** A contact's conversations as list rows, limited by the caller's visibility like every conversation list. */
export async function listContactConversations(
  ctx: Ctx,
  contactId: number,
  q: ConversationListQuery,
): Promise<PageResult<ConversationListRow>> {
  await requireContact(ctx, contactId);
  return listConversations(ctx, { kind: "contact", contactId }, q);
}
