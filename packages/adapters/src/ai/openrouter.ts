import { createHash } from "node:crypto";
import type { AiModelInfo, AiCredentials } from "@helperiq/core/port/ai-clients";
import { openAiModels, type AiAdapterOptions, type OpenAiDialect } from "./openai.ts";

/**
 * OpenRouter: the OpenAI wire format under /api/v1, through the official `openai` SDK. Extras `site_url`
 * and `app_name` become its attribution headers (HTTP-Referer, X-Title). Out of credit is HTTP 402.
 * Embeddings go to its /embeddings endpoint with `dimensions`; a model that cannot answer 1536 is refused.
 */
export const OPENROUTER_DIALECT: OpenAiDialect = {
  provider: "openrouter",
  label: "OpenRouter",
  maxTokensField: "max_tokens",
  headers: (creds) => {
    const h: Record<string, string> = {};
    if (typeof creds.extras.site_url === "string" && creds.extras.site_url) h["HTTP-Referer"] = creds.extras.site_url;
    if (typeof creds.extras.app_name === "string" && creds.extras.app_name) h["X-Title"] = creds.extras.app_name;
    return h;
  },
  isQuota: (f) => f.status === 402,
};

export const OPENROUTER_MODELS_TTL_MS = 5 * 60_000;
const CACHE_MAX = 200;

/**
 * The live catalogue, cached briefly per base URL and key (a hash of it: the key itself is never a map key),
 * so a workspace's model picker does not fetch hundreds of models on every open, and no cache entry is shared
 * between workspaces with different keys.
 */
export function cachedOpenRouterModels(o: AiAdapterOptions, now: () => number = Date.now) {
  const cache = new Map<string, { at: number; models: AiModelInfo[] }>();
  return async (creds: AiCredentials): Promise<AiModelInfo[]> => {
    const key = createHash("sha256").update(`${o.baseURL}\n${creds.apiKey}`).digest("hex");
    const hit = cache.get(key);
    if (hit && now() - hit.at < OPENROUTER_MODELS_TTL_MS) return hit.models;
    const models = await openAiModels(OPENROUTER_DIALECT, creds, o);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, { at: now(), models });
    return models;
  };
}
