import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import { fixGrammar, friendly, improveWriting, professional, shorten } from "./local-rewrite.ts";
import { PROMPT_KEYS, PROMPT_LABELS, promptInstruction, type PromptKey } from "./prompts.ts";
import { resolveAi, type AiDeps } from "./resolve.ts";

/** `field` is what the text was called in the request (`text`, or `content` in LibreDesk's form), for errors. */
export type CompletionInput = {
  prompt_key: string;
  text: string;
  target_language?: string | undefined;
  field?: "text" | "content" | undefined;
};
export type CompletionView = { completion: string; provider: string; model: string };

export const COMPLETION_TEXT_MAX = 20_000;

export type PromptView = {
  key: PromptKey;
  label: string;
  title: string;
  needs_target_language: boolean;
  /** Whether the workspace's provider can run it: the built-in local one rewrites by rule, not translate or expand. */
  available: boolean;
};

/**
 * The reply box's prompt menu; `title` repeats `label` under the name LibreDesk's agent UI reads. Every
 * key is listed (LibreDesk's UI shows them all); `available` lets a client offer only what would work.
 */
export async function listPrompts(ctx: Ctx, deps: AiDeps): Promise<PromptView[]> {
  const { chat } = await resolveAi(ctx, deps, {});
  return PROMPT_KEYS.map((key) => ({
    key,
    label: PROMPT_LABELS[key],
    title: PROMPT_LABELS[key],
    needs_target_language: key === "translate",
    available: chat.provider !== "local" || LOCAL[key] !== undefined,
  }));
}

const LOCAL: Partial<Record<PromptKey, (text: string) => string>> = {
  improve_writing: improveWriting,
  fix_grammar: fixGrammar,
  shorten,
  friendly,
  professional,
};

/**
 * Rewrites reply-box text with the workspace's AI provider (its default, else local). Cloud providers get
 * the key's instruction as the system prompt and the text as the user message; provider failures are
 * AiProviderError (500 with a safe message). The local provider rewrites by rule, and refuses with 400 what
 * only a language model can do (expand, translate).
 */
export async function completePrompt(ctx: Ctx, deps: AiDeps, input: CompletionInput): Promise<CompletionView> {
  if (!(PROMPT_KEYS as readonly string[]).includes(input.prompt_key)) {
    throw new InputError(`prompt_key: must be one of ${PROMPT_KEYS.join(", ")}`);
  }
  const key = input.prompt_key as PromptKey;
  const field = input.field ?? "text";
  const text = input.text.trim();
  if (!text) throw new InputError(`${field}: required`);
  if (text.length > COMPLETION_TEXT_MAX) throw new InputError(`${field}: at most ${COMPLETION_TEXT_MAX} characters`);
  const language = input.target_language?.trim();
  if (key === "translate" && !language) throw new InputError("target_language: required for translate");

  const { chat } = await resolveAi(ctx, deps, {});
  if (chat.provider === "local") {
    const rewrite = LOCAL[key];
    if (!rewrite) {
      const what =
        key === "translate" ? "translate" : "expand text (that needs new content only a language model can write)";
      throw new InputError(`prompt_key: the local provider cannot ${what}; configure a cloud provider`);
    }
    return { completion: rewrite(text), provider: "local", model: "local-rules-v1" };
  }
  const result = await chat.complete({
    system: promptInstruction(key, language),
    messages: [{ role: "user", content: text }],
    maxTokens: 2048,
    temperature: 0.3,
  });
  return { completion: result.text.trim(), provider: chat.provider, model: result.model };
}
