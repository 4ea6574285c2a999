import OpenAI from "openai";
import { AiProviderError } from "@helperiq/core/ai/errors";
import type { ChatModel, Embedder } from "@helperiq/core/port/ai";
import { EMBEDDING_DIMENSIONS } from "@helperiq/core/port/ai";
import type { AiCredentials, AiModelInfo } from "@helperiq/core/port/ai-clients";
import { EMBED_BATCH, inBatches, l2normalise, providerError, type SdkFailure } from "./errors.ts";

export type AiAdapterOptions = { baseURL: string; timeoutMs: number; maxRetries: number };

/** OpenAI and OpenRouter speak the same wire format; these are the differences. */
export type OpenAiDialect = {
  provider: "openai" | "openrouter";
  label: string;
  /** OpenAI wants max_completion_tokens (reasoning models reject max_tokens); OpenRouter takes max_tokens. */
  maxTokensField: "max_completion_tokens" | "max_tokens";
  headers: (creds: AiCredentials) => Record<string, string>;
  isQuota: (f: SdkFailure) => boolean;
};

export const OPENAI_DIALECT: OpenAiDialect = {
  provider: "openai",
  label: "OpenAI",
  maxTokensField: "max_completion_tokens",
  headers: () => ({}),
  // OpenAI says "out of quota/credit" as a 429 whose error code is insufficient_quota.
  isQuota: (f) => f.status === 429 && f.code === "insufficient_quota",
};

export function openAiClient(d: OpenAiDialect, creds: AiCredentials, o: AiAdapterOptions): OpenAI {
  const str = (k: string) =>
    typeof creds.extras[k] === "string" && creds.extras[k] ? (creds.extras[k] as string) : null;
  return new OpenAI({
    // No key (OpenRouter's public catalogue): the SDK insists on one, so a placeholder, and no Authorization header.
    apiKey: creds.apiKey || "none",
    baseURL: o.baseURL,
    // Explicit nulls: the SDK would otherwise read OPENAI_ORG_ID / OPENAI_PROJECT_ID, which belong to no workspace.
    organization: d.provider === "openai" ? str("organization") : null,
    project: d.provider === "openai" ? str("project") : null,
    timeout: o.timeoutMs,
    maxRetries: o.maxRetries,
    defaultHeaders: { ...d.headers(creds), ...(creds.apiKey ? {} : { Authorization: null }) },
  });
}

export function openAiFailure(err: unknown): SdkFailure | null {
  if (!(err instanceof OpenAI.APIError)) return null;
  const body = err.error as { message?: unknown } | undefined;
  return {
    status: err.status,
    headers: err.headers,
    code: typeof err.code === "string" ? err.code : typeof err.type === "string" ? err.type : undefined,
    message: typeof body?.message === "string" ? body.message : undefined,
    timeout: err instanceof OpenAI.APIConnectionTimeoutError,
    aborted: err instanceof OpenAI.APIUserAbortError,
  };
}

export function mapOpenAiError(d: OpenAiDialect, creds: AiCredentials, err: unknown): unknown {
  if (err instanceof AiProviderError) return err;
  const f = openAiFailure(err);
  return f ? providerError(d.label, d.provider, creds.apiKey, f, d.isQuota) : err;
}

/** Reasoning models only take the default temperature. */
const fixedTemperature = (model: string) => /^(?:[\w-]+\/)?(o\d|gpt-5)/.test(model);

export function openAiChat(d: OpenAiDialect, creds: AiCredentials, model: string, o: AiAdapterOptions): ChatModel {
  return {
    provider: d.provider,
    model,
    async complete({ system, messages, maxTokens, temperature, signal }) {
      const client = openAiClient(d, creds, o);
      try {
        const res = await client.chat.completions.create(
          {
            model,
            messages: [{ role: "system", content: system }, ...messages],
            ...(maxTokens !== undefined ? { [d.maxTokensField]: maxTokens } : {}),
            ...(temperature !== undefined && !fixedTemperature(model) ? { temperature } : {}),
          },
          signal ? { signal } : {},
        );
        const choice = res.choices?.[0];
        if (!choice) throw new AiProviderError("unavailable", `${d.label} returned no completion`, d.provider);
        return { text: choice.message?.content ?? "", model: res.model || model, tokens: res.usage?.total_tokens };
      } catch (err) {
        throw mapOpenAiError(d, creds, err);
      }
    },
  };
}

export function openAiEmbedder(d: OpenAiDialect, creds: AiCredentials, model: string, o: AiAdapterOptions): Embedder {
  return {
    provider: d.provider,
    model,
    dimensions: EMBEDDING_DIMENSIONS,
    async embed(texts, signal) {
      const client = openAiClient(d, creds, o);
      return inBatches(texts, EMBED_BATCH, async (batch) => {
        try {
          const res = await client.embeddings.create(
            // Explicit float: without it the SDK asks for base64 and decodes it itself.
            { model, input: batch, dimensions: EMBEDDING_DIMENSIONS, encoding_format: "float" },
            signal ? { signal } : {},
          );
          const data = [...(res.data ?? [])].sort((a, b) => a.index - b.index);
          const bad = data.find((e) => e.embedding.length !== EMBEDDING_DIMENSIONS);
          if (data.length !== batch.length || bad) {
            const got = bad ? `${bad.embedding.length} dimensions` : `${data.length} vectors for ${batch.length} texts`;
            throw new AiProviderError(
              "bad_request",
              `${d.label} embedding model ${model} answered ${got}; ${EMBEDDING_DIMENSIONS} dimensions are needed`,
              d.provider,
            );
          }
          return data.map((e) => l2normalise(e.embedding));
        } catch (err) {
          throw mapOpenAiError(d, creds, err);
        }
      });
    },
  };
}

/** At most this many entries of a catalogue are read (the loop over pages is bounded). */
export const MODEL_LIST_MAX = 2000;

export async function openAiModels(
  d: OpenAiDialect,
  creds: AiCredentials,
  o: AiAdapterOptions,
): Promise<AiModelInfo[]> {
  const client = openAiClient(d, creds, o);
  const out: AiModelInfo[] = [];
  try {
    for await (const m of client.models.list()) {
      const raw = m as unknown as { id: string; name?: unknown; context_length?: unknown };
      out.push({
        id: raw.id,
        name: typeof raw.name === "string" ? raw.name : raw.id,
        kind: /embed/i.test(raw.id) ? "embedding" : "chat",
        context_length: typeof raw.context_length === "number" ? raw.context_length : null,
      });
      if (out.length >= MODEL_LIST_MAX) break;
    }
  } catch (err) {
    throw mapOpenAiError(d, creds, err);
  }
  return out;
}
