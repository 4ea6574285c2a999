/**
 * The system prompt of a drafted reply. Knowledge goes in tagged blocks, one per document, so any model can
 * tell instructions from reference text and the local drafter can read them back (parseKnowledgePrompt).
 */

export type PromptDocument = { id: number; title: string; url: string | null; content: string };

export const DEFAULT_SYSTEM_PROMPT =
  "You are a helpful customer support agent. Draft a reply to the customer's latest message. " +
  "Answer only from the context documents; if they do not cover the question, say that a teammate will follow up. " +
  "Match the greeting, closing and tone of the tone examples. Reply in short HTML paragraphs (<p>), without a subject line.";

const CITE_INSTRUCTION = 'End with a paragraph "Sources: " naming the titles of the context documents you used.';

export function renderKnowledgePrompt(input: {
  systemPrompt: string;
  context: PromptDocument[];
  macros: PromptDocument[];
  ecommerce?: string | undefined;
}): string {
  const parts = [input.systemPrompt.trim() || DEFAULT_SYSTEM_PROMPT, CITE_INSTRUCTION];
  parts.push(`<context_documents>\n${input.context.map((d) => block("document", d)).join("\n")}\n</context_documents>`);
  parts.push(`<tone_examples>\n${input.macros.map((d) => block("macro", d)).join("\n")}\n</tone_examples>`);
  if (input.ecommerce) parts.push(`<store_context>\n${neutralise(input.ecommerce)}\n</store_context>`);
  return parts.join("\n\n");
}

function block(tag: "document" | "macro", d: PromptDocument): string {
  const url = d.url ? ` url="${attr(d.url)}"` : "";
  return `<${tag} id="${d.id}" title="${attr(d.title)}"${url}>\n${neutralise(d.content)}\n</${tag}>`;
}

const attr = (v: string) => v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/\n/g, " ");
const unattr = (v: string) =>
  v
    .replace(/&lt;/g, "<")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
/** Reference text can never close its own block or open another (crawled pages are untrusted). */
const neutralise = (v: string) =>
  v.replace(/<(\/?)(document|macro|context_documents|tone_examples|store_context)\b/gi, "‹$1$2");

const BLOCK = /<(document|macro) id="(\d+)" title="([^"]*)"(?: url="([^"]*)")?>\n([\s\S]*?)\n<\/\1>/g;

/** The documents and tone examples of a prompt rendered by renderKnowledgePrompt, in their ranked order. */
export function parseKnowledgePrompt(system: string): { context: PromptDocument[]; macros: PromptDocument[] } {
  const context: PromptDocument[] = [];
  const macros: PromptDocument[] = [];
  for (const m of system.matchAll(BLOCK)) {
    const doc = { id: Number(m[2]), title: unattr(m[3]!), url: m[4] ? unattr(m[4]) : null, content: m[5]! };
    (m[1] === "document" ? context : macros).push(doc);
  }
  return { context, macros };
}
