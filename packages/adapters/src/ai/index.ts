import { AiProviderError } from "@helperiq/core/ai/errors";
import type { AiClients, AiCredentials } from "@helperiq/core/port/ai-clients";
import { anthropicChat, anthropicModels } from "./anthropic.ts";
import { OPENAI_DIALECT, openAiChat, openAiEmbedder, openAiModels, type AiAdapterOptions } from "./openai.ts";
import { cachedOpenRouterModels, OPENROUTER_DIALECT } from "./openrouter.ts";

/** The providers' public endpoints, in each SDK's own convention (OPENAI_BASE_URL includes /v1, ANTHROPIC_BASE_URL does not). */
export const DEFAULT_AI_BASE_URLS = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
  openrouter: "https://openrouter.ai/api/v1",
} as const;

export type AiClientOptions = {
  /**
   * Operator configuration only (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OPENROUTER_BASE_URL): tests point them at
   * local servers. Workspaces choose a provider and key, never a URL, so AI calls do not go through the outbound
   * guard (net/outbound-guard.ts); a per-workspace base URL would have to.
   */
  baseUrls?: Partial<Record<keyof typeof DEFAULT_AI_BASE_URLS, string | undefined>> | undefined;
  /** Per request (AI_TIMEOUT_MS); default 60 s. */
  timeoutMs?: number | undefined;
  /** SDK retries of 429/5xx/connection failures (honouring Retry-After); default 1. */
  maxRetries?: number | undefined;
};

/** The AiClients port over the official `openai` (OpenAI, OpenRouter) and `@anthropic-ai/sdk` (Claude) SDKs. */
export function createAiClients(options: AiClientOptions = {}): AiClients {
  const opts = (which: keyof typeof DEFAULT_AI_BASE_URLS): AiAdapterOptions => ({
    baseURL: (options.baseUrls?.[which] || DEFAULT_AI_BASE_URLS[which]).replace(/\/+$/, ""),
    timeoutMs: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 1,
  });
  const openai = opts("openai");
  const anthropic = opts("anthropic");
  const openrouter = opts("openrouter");
  const openRouterModels = cachedOpenRouterModels(openrouter);

  const chat = (creds: AiCredentials, model: string) => {
    switch (creds.type) {
      case "openai":
        return openAiChat(OPENAI_DIALECT, creds, model, openai);
      case "openrouter":
        return openAiChat(OPENROUTER_DIALECT, creds, model, openrouter);
      case "claude":
        return anthropicChat(creds, model, anthropic);
    }
  };

  return {
    chat,
    embedder(creds, model) {
      switch (creds.type) {
        case "openai":
          return openAiEmbedder(OPENAI_DIALECT, creds, model, openai);
        case "openrouter":
          return openAiEmbedder(OPENROUTER_DIALECT, creds, model, openrouter);
        case "claude":
          // Anthropic has no embeddings API: the embedder comes from the workspace's embedding provider.
          throw new AiProviderError(
            "bad_request",
            "Anthropic has no embeddings API; choose OpenAI, OpenRouter or local for embeddings",
            "claude",
          );
      }
    },
    listModels(creds) {
      switch (creds.type) {
        case "openai":
          return openAiModels(OPENAI_DIALECT, creds, openai);
        case "openrouter":
          return openRouterModels(creds);
        case "claude":
          return anthropicModels(creds, anthropic);
      }
    },
    async testConnection(creds, model) {
      const started = performance.now();
      const result = await chat(creds, model).complete({
        system: "This is a connection test. Reply with the single word OK.",
        messages: [{ role: "user", content: "ping" }],
        maxTokens: 16,
      });
      return { model: result.model, latencyMs: Math.round(performance.now() - started) };
    },
  };
}
