/** AI providers, settings and prompt completions; the built-in local provider is in ./local. */
export { AiProviderError, type AiProviderErrorKind } from "./errors.ts";
export { resolveAi, type AiDeps, type ResolvedAi } from "./resolve.ts";
export * from "./providers.ts";
export * from "./settings.ts";
export * from "./catalogue.ts";
export * from "./completion.ts";
export { PROMPT_KEYS, type PromptKey } from "./prompts.ts";
export { CURATED_MODELS, DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL, OPENAI_EMBEDDING_MODELS } from "./models.ts";
