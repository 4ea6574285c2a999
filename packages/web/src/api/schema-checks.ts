import { call, callBare } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Conversation, Data, Message } from "./types.ts";

/**
 * Compile-time checks of the typed client, never run nor imported by the app: `vue-tsc` (npm test) fails
 * if a line marked @ts-expect-error stops being an error, so these prove that a misspelt field, a missing
 * path parameter or a hand-written answer type the API does not declare are caught.
 */
export async function typedClientChecks(uuid: string) {
  const conversation: Conversation = await call(ENDPOINTS.conversation, { params: { uuid } });
  const pack: Record<string, string> = await callBare(ENDPOINTS.lang, { params: { lang: "en" } });
  const sent: Message = await call(ENDPOINTS.sendMessage, { params: { uuid }, body: { message: "hi", private: true } });
  const page: Data<"GET", "/api/v1/conversations/all"> = await call(ENDPOINTS.conversationsAll, {
    query: { page: 1, page_size: 20 },
  });

  // @ts-expect-error: the answer has no such field
  conversation.subjekt;
  // @ts-expect-error: the body has no such field
  await call(ENDPOINTS.sendMessage, { params: { uuid }, body: { mesage: "hi" } });
  // @ts-expect-error: the path parameter is required
  await call(ENDPOINTS.conversation);
  // @ts-expect-error: the path parameter is `uuid`
  await call(ENDPOINTS.conversation, { params: { id: uuid } });
  // @ts-expect-error: the list takes no such query parameter
  await call(ENDPOINTS.conversationsAll, { query: { pagesize: 20 } });
  // @ts-expect-error: a hand-written answer type with a field the route does not answer
  await call<{ subject: string; subjekt: string }>(ENDPOINTS.conversation, { params: { uuid } });
  // A hand-written view the declared answer satisfies compiles.
  const view = await call<{ subject: string }>(ENDPOINTS.conversation, { params: { uuid } });

  return [conversation, pack, sent, page, view];
}
