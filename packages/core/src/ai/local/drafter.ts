import type { ChatMessage, ChatModel } from "../../port/ai.ts";
import { parseKnowledgePrompt, type PromptDocument } from "../../rag/prompt.ts";
import { cosine, embedText } from "./embedder.ts";
import { sentences } from "./text.ts";

export const LOCAL_CHAT_MODEL = "local-extractive-v1";

/** At most this many sentences are quoted; a drafted reply is a starting point, not a manual. */
const MAX_SENTENCES = 3;
/** A sentence sharing less vocabulary than this with the question is not an answer to it. */
const MIN_SENTENCE_SCORE = 0.08;
const DEFAULT_GREETING = "Hello,";
const DEFAULT_CLOSING = "Best regards";
const GREETING = /^(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings|thanks for|thank you for)\b/i;
const CLOSING = /\b(regards|best|cheers|sincerely|thanks|thank you|kind|warmly|team)\b/i;

/**
 * The local drafter: no model, no network. It reads the context documents and tone examples out of the
 * system prompt (rag/prompt.ts), quotes the context sentences most similar to the customer's latest message
 * (local embedder cosine), wraps them in the greeting and closing of the best macro, and cites the
 * documents it quoted in a "Sources:" paragraph. Extractive: every sentence of the answer is from a document.
 */
export function localChatModel(): ChatModel {
  return {
    provider: "local",
    model: LOCAL_CHAT_MODEL,
    async complete({ system, messages, signal }) {
      signal?.throwIfAborted();
      return { text: draftReply(system, messages), model: LOCAL_CHAT_MODEL };
    },
  };
}

export function draftReply(system: string, messages: ChatMessage[]): string {
  const { context, macros } = parseKnowledgePrompt(system);
  const question = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const tone = toneOf(macros[0]);
  const picked = pickSentences(context, question);
  const body = picked.length
    ? picked.map((p) => p.text).join(" ")
    : "Thanks for your message. I could not find this in our documentation yet; a teammate will follow up with you shortly.";
  const cited = context.filter((d) => picked.some((p) => p.doc === d));
  const paragraphs = [`<p>${esc(tone.greeting)}</p>`, `<p>${esc(body)}</p>`, `<p>${esc(tone.closing)}</p>`];
  if (cited.length) paragraphs.push(`<p>Sources: ${cited.map(citation).join(", ")}</p>`);
  return paragraphs.join("\n");
}

type Pick = { doc: PromptDocument; rank: number; position: number; text: string; score: number };

function pickSentences(context: PromptDocument[], question: string): Pick[] {
  const q = embedText(question);
  const all: Pick[] = [];
  context.forEach((doc, rank) => {
    sentences(doc.content).forEach((text, position) => {
      // Ties go to the better-ranked document; a little rank decay keeps the answer from drifting.
      all.push({ doc, rank, position, text, score: cosine(q, embedText(text)) * (1 - rank * 0.02) });
    });
  });
  const best = all
    .filter((s) => s.score >= MIN_SENTENCE_SCORE)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SENTENCES);
  // Read in document order, as written.
  return best.sort((a, b) => a.rank - b.rank || a.position - b.position);
}

/** The greeting and closing lines of a macro, template variables dropped ("Hi {{contact.first_name}}," → "Hi,"). */
function toneOf(macro: PromptDocument | undefined): { greeting: string; closing: string } {
  const lines = (macro?.content ?? "")
    .split(/\n+/)
    .map((l) =>
      l
        .replace(/\{\{[^}]*\}\}/g, "")
        .replace(/\s+([,!.])/g, "$1")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter(Boolean);
  const first = lines[0];
  const greeting = first && first.length <= 80 && GREETING.test(first) ? first : DEFAULT_GREETING;
  const tail = lines.slice(-2).filter((l) => l.length <= 60);
  const closingStart = tail.findIndex((l) => CLOSING.test(l));
  const closing = lines.length > 1 && closingStart !== -1 ? tail.slice(closingStart).join(" ") : DEFAULT_CLOSING;
  return { greeting, closing };
}

function citation(doc: PromptDocument): string {
  const title = esc(doc.title || "Untitled");
  return doc.url && /^https?:\/\//i.test(doc.url) ? `<a href="${esc(doc.url)}">${title}</a>` : title;
}

function esc(v: string): string {
  return v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
