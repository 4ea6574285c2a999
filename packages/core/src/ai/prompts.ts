/** The reply-box rewrite prompts of POST /ai/completion (LibreDesk's prompt keys). */
export const PROMPT_KEYS = [
  "improve_writing",
  "fix_grammar",
  "shorten",
  "expand",
  "friendly",
  "professional",
  "translate",
] as const;
export type PromptKey = (typeof PROMPT_KEYS)[number];

export const PROMPT_LABELS: Record<PromptKey, string> = {
  improve_writing: "Improve writing",
  fix_grammar: "Fix spelling and grammar",
  shorten: "Make shorter",
  expand: "Make longer",
  friendly: "Make friendlier",
  professional: "Make more professional",
  translate: "Translate",
};

const KEEP =
  "Keep the meaning, the facts, names, numbers, links and the language of the text unless told otherwise. " +
  "Answer with the rewritten text only: no preamble, no quotes, no explanation.";

/** The system prompt a cloud model gets for each key; the text to rewrite is the user message. */
export function promptInstruction(key: PromptKey, targetLanguage?: string): string {
  switch (key) {
    case "improve_writing":
      return `You edit customer-support replies. Improve the clarity, flow and wording of the text the user sends. ${KEEP}`;
    case "fix_grammar":
      return `You proofread customer-support replies. Fix spelling, grammar and punctuation in the text the user sends and change nothing else. ${KEEP}`;
    case "shorten":
      return `You edit customer-support replies. Make the text the user sends shorter and more direct, keeping every essential point. ${KEEP}`;
    case "expand":
      return `You edit customer-support replies. Make the text the user sends more detailed and complete without inventing facts, promises or policies. ${KEEP}`;
    case "friendly":
      return `You edit customer-support replies. Rewrite the text the user sends in a warmer, friendlier tone. ${KEEP}`;
    case "professional":
      return `You edit customer-support replies. Rewrite the text the user sends in a clear, polite, professional tone. ${KEEP}`;
    case "translate":
      return `You translate customer-support replies. Translate the text the user sends into ${targetLanguage}, keeping its tone and formatting. Answer with the translation only.`;
  }
}
