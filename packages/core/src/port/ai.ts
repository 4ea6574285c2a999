/** The AI port (shared AI contract): chat models draft replies, embedders turn text into pgvector rows. */

export type ChatMessage = { role: "user" | "assistant"; content: string };

export interface ChatModel {
  readonly provider: string; // "openai" | "claude" | "openrouter" | "local"
  readonly model: string;
  complete(input: {
    system: string;
    messages: ChatMessage[];
    maxTokens?: number;
    temperature?: number;
    signal?: AbortSignal;
  }): Promise<{
    text: string;
    model: string;
    /** Tokens the provider billed (prompt + completion), when it reports them. */
    tokens?: number | undefined;
  }>;
}

export interface Embedder {
  readonly provider: string;
  readonly model: string;
  /** Always EMBEDDING_DIMENSIONS (the pgvector column). */
  readonly dimensions: number;
  /** L2-normalised vectors, one per text, in order. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export const EMBEDDING_DIMENSIONS = 1536;
