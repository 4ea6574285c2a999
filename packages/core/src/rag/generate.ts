import { errorReason } from "../errors/describe.ts";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { visibleConversationId, type ConversationRef } from "../conversation/get.ts";
import type { EcommerceContext } from "../ecommerce/context.ts";
import { InputError } from "../errors/index.ts";
import { messages } from "../conversation/message.sql.ts";
import { sanitizeMessageHtml } from "../html/sanitize.ts";
import type { RagAi } from "./ai.ts";
import { renderKnowledgePrompt } from "./prompt.ts";
import { DEFAULT_SEARCH_LIMIT, defaultThresholdFor, searchByVector, type SearchHit } from "./search.ts";

/** Tone examples offered to the model: the nearest macros, however far (tone matters even off topic). */
const MACRO_DOCUMENTS = 2;
/** The customer's latest messages in a row are the question; more than this is history. */
const QUESTION_MESSAGES = 3;
const QUESTION_CHARS = 4000;

export type GenerateInput = {
  conversation?: ConversationRef | undefined;
  customer_message?: string | undefined;
  inbox_id?: number | undefined;
  include_ecommerce?: boolean | undefined;
};

export type GenerateDeps = {
  /** The effective AI settings for an inbox (per-inbox override, else workspace settings, else local). */
  resolveAi: (inboxId: number | undefined) => Promise<RagAi>;
  ecommerceContext?: ((conversationId: number) => Promise<EcommerceContext>) | undefined;
  log?: ((line: string) => void) | undefined;
};

export type GeneratedReply = {
  response: string;
  context_documents: SearchHit[];
  macro_documents: SearchHit[];
  ecommerce_context_included: boolean;
};

/**
 * `POST /rag/generate`: drafts a reply to a conversation's latest customer messages (or to a given
 * message) from the knowledge base. A conversation the caller cannot see is 404. A failing search is
 * logged and the draft continues without knowledge; provider failures propagate (AiProviderError → 500).
 */
export async function generateReply(ctx: Ctx, deps: GenerateDeps, input: GenerateInput): Promise<GeneratedReply> {
  const log = deps.log ?? ((line: string) => console.warn(line));
  let question = input.customer_message?.trim() ?? "";
  let inboxId = input.inbox_id;
  let conversationId: number | undefined;
  if (input.conversation) {
    conversationId = await visibleConversationId(ctx, input.conversation);
    const [convo] = await ctx.db
      .select({ inboxId: conversations.inboxId })
      .from(conversations)
      .where(eq(conversations.id, conversationId));
    inboxId ??= convo?.inboxId ?? undefined;
    if (!question) question = await latestCustomerText(ctx, conversationId);
    if (!question) throw new InputError("conversation_id: the conversation has no customer message to answer");
  }
  if (!question) throw new InputError("customer_message: required when no conversation_id is given");

  const ai = await deps.resolveAi(inboxId);
  let context: SearchHit[] = [];
  let macroDocs: SearchHit[] = [];
  try {
    const [vector] = await ai.embedder.embed([question]);
    const model = ai.embedder.model;
    [context, macroDocs] = await Promise.all([
      searchByVector(ctx.db, ctx.tenantId, model, vector!, {
        kind: "context",
        limit: DEFAULT_SEARCH_LIMIT,
        threshold: defaultThresholdFor(ai.embedder),
      }),
      searchByVector(ctx.db, ctx.tenantId, model, vector!, { kind: "macro", limit: MACRO_DOCUMENTS, threshold: -1 }),
    ]).then((lists) => lists.map((hits) => hits.map(({ kind: _kind, ...hit }) => hit)) as [SearchHit[], SearchHit[]]);
  } catch (err) {
    log(`[rag] tenant ${ctx.tenantId}: knowledge search failed, drafting without context: ${errorReason(err)}`);
    context = [];
    macroDocs = [];
  }

  let ecommerce: EcommerceContext | undefined;
  if (input.include_ecommerce && conversationId !== undefined && deps.ecommerceContext) {
    ecommerce = await deps.ecommerceContext(conversationId);
  }

  const system = renderKnowledgePrompt({
    systemPrompt: ai.systemPrompt,
    context: context.map(({ id, title, url, content }) => ({ id, title, url, content })),
    macros: macroDocs.map(({ id, title, url, content }) => ({ id, title, url, content })),
    ecommerce: ecommerce?.included ? ecommerce.text : undefined,
  });
  const { text } = await ai.chat.complete({ system, messages: [{ role: "user", content: question }] });
  return {
    response: asHtml(text),
    context_documents: context,
    macro_documents: macroDocs,
    ecommerce_context_included: Boolean(ecommerce?.included && ecommerce.text),
  };
}

/** The customer's messages since the last agent reply (at most QUESTION_MESSAGES), oldest first. */
async function latestCustomerText(ctx: Ctx, conversationId: number): Promise<string> {
  const rows = await ctx.db
    .select({ type: messages.type, text: messages.textContent, private: messages.private })
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, ctx.tenantId),
        eq(messages.conversationId, conversationId),
        inArray(messages.type, ["incoming", "outgoing"]),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(20);
  const latest: string[] = [];
  for (const row of rows) {
    if (row.private) continue;
    if (row.type !== "incoming") {
      if (latest.length) break;
      continue;
    }
    latest.unshift(row.text);
    if (latest.length >= QUESTION_MESSAGES) break;
  }
  return latest.join("\n\n").trim().slice(0, QUESTION_CHARS);
}

/** A model's answer as safe HTML: plain text becomes paragraphs; HTML is sanitised like any message. */
function asHtml(text: string): string {
  const trimmed = text.trim();
  if (/<(p|br|ul|ol|div)\b/i.test(trimmed)) return sanitizeMessageHtml(trimmed);
  const escaped = trimmed.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped
    .split(/\n\s*\n/)
    .map((p) => `<p>${p.trim().replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}
