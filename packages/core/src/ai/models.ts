import type { AiModelInfo, AiProviderType } from "../port/ai-clients.ts";

const chat = (id: string, name: string, context_length: number): AiModelInfo => ({
  id,
  name,
  kind: "chat",
  context_length,
});
const embedding = (id: string, name: string): AiModelInfo => ({ id, name, kind: "embedding", context_length: 8191 });

/**
 * Curated models of the providers whose live catalogues are mostly not chat models (OpenAI) or need the
 * key (both): what the model picker offers. Any other model id is still accepted in a provider record.
 */
export const CURATED_MODELS: Record<Exclude<AiProviderType, "openrouter">, AiModelInfo[]> = {
  openai: [
    chat("gpt-4o-mini", "GPT-4o mini", 128_000),
    chat("gpt-4o", "GPT-4o", 128_000),
    chat("gpt-4.1-mini", "GPT-4.1 mini", 1_047_576),
    chat("gpt-4.1", "GPT-4.1", 1_047_576),
    chat("gpt-4.1-nano", "GPT-4.1 nano", 1_047_576),
    embedding("text-embedding-3-small", "text-embedding-3-small"),
    embedding("text-embedding-3-large", "text-embedding-3-large"),
  ],
  claude: [
    chat("claude-haiku-4-5", "Claude Haiku 4.5", 200_000),
    chat("claude-sonnet-4-5", "Claude Sonnet 4.5", 200_000),
    chat("claude-opus-4-1", "Claude Opus 4.1", 200_000),
    chat("claude-3-5-haiku-latest", "Claude Haiku 3.5", 200_000),
  ],
};

/** The model a new provider record gets when the request names none. */
export const DEFAULT_CHAT_MODEL: Record<AiProviderType, string> = {
  openai: "gpt-4o-mini",
  claude: "claude-haiku-4-5",
  openrouter: "openai/gpt-4o-mini",
};

/** Providers with an embeddings API that can answer EMBEDDING_DIMENSIONS-long vectors, and their default model. */
export const DEFAULT_EMBEDDING_MODEL: Partial<Record<AiProviderType, string>> = {
  openai: "text-embedding-3-small",
  openrouter: "openai/text-embedding-3-small",
};

/** OpenAI models that take `dimensions` (ada-002 does not, so it is not offered). */
export const OPENAI_EMBEDDING_MODELS = ["text-embedding-3-small", "text-embedding-3-large"] as const;
