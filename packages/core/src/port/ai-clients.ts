import type { ChatModel, Embedder } from "./ai.ts";

/** The cloud providers a workspace can hold a record for; "local" is built in and needs none. */
export const AI_PROVIDER_TYPES = ["openai", "claude", "openrouter"] as const;
export type AiProviderType = (typeof AI_PROVIDER_TYPES)[number];

/** Provider-record extras the adapters read (others are stored and ignored). Never a base URL: that is operator config. */
export type AiExtras = Record<string, string | number | boolean>;

/** What an adapter needs to call a provider for one workspace: the unsealed key and the record's extras. */
export type AiCredentials = { type: AiProviderType; apiKey: string; extras: AiExtras };

export type AiModelInfo = {
  id: string;
  name: string;
  kind: "chat" | "embedding";
  context_length: number | null;
};

/**
 * Makes provider clients for a provider record (packages/adapters/src/ai). Every failure of a provider call
 * is an AiProviderError (core/ai/errors.ts) whose message is safe to show: it never contains the key.
 */
export interface AiClients {
  chat(creds: AiCredentials, model: string): ChatModel;
  /** Vectors of EMBEDDING_DIMENSIONS; a provider without embeddings (claude) throws AiProviderError("bad_request"). */
  embedder(creds: AiCredentials, model: string): Embedder;
  /** The provider's own model catalogue, live (OpenRouter's is public; the others need the key). */
  listModels(creds: AiCredentials): Promise<AiModelInfo[]>;
  /** A tiny real completion: proves the key, the model and the network path. */
  testConnection(creds: AiCredentials, model: string): Promise<{ model: string; latencyMs: number }>;
}
