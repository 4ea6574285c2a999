import Anthropic from "@anthropic-ai/sdk";
import { AiProviderError } from "@helperiq/core/ai/errors";
import type { ChatModel } from "@helperiq/core/port/ai";
import type { AiCredentials, AiModelInfo } from "@helperiq/core/port/ai-clients";
import { providerError, type SdkFailure } from "./errors.ts";
import { MODEL_LIST_MAX, type AiAdapterOptions } from "./openai.ts";

const LABEL = "Anthropic";

function client(creds: AiCredentials, o: AiAdapterOptions): Anthropic {
  // authToken null: the SDK would otherwise add ANTHROPIC_AUTH_TOKEN from the environment.
  return new Anthropic({
    apiKey: creds.apiKey,
    authToken: null,
    baseURL: o.baseURL,
    timeout: o.timeoutMs,
    maxRetries: o.maxRetries,
  });
}

/** Anthropic says "out of credit" as a 400 invalid_request_error about the credit balance (or a billing_error). */
const isQuota = (f: SdkFailure) =>
  f.code === "billing_error" || f.status === 402 || (f.status === 400 && /credit balance/i.test(f.message ?? ""));

function mapError(creds: AiCredentials, err: unknown): unknown {
  if (err instanceof AiProviderError || !(err instanceof Anthropic.APIError)) return err;
  const body = err.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  const f: SdkFailure = {
    status: err.status,
    headers: err.headers,
    code: typeof body?.error?.type === "string" ? body.error.type : undefined,
    message: typeof body?.error?.message === "string" ? body.error.message : undefined,
    timeout: err instanceof Anthropic.APIConnectionTimeoutError,
    aborted: err instanceof Anthropic.APIUserAbortError,
  };
  return providerError(LABEL, "claude", creds.apiKey, f, isQuota);
}

/** Claude through the Messages API (the system prompt is its own field; max_tokens is required). */
export function anthropicChat(creds: AiCredentials, model: string, o: AiAdapterOptions): ChatModel {
  return {
    provider: "claude",
    model,
    async complete({ system, messages, maxTokens, temperature, signal }) {
      try {
        const res = await client(creds, o).messages.create(
          {
            model,
            system,
            messages,
            max_tokens: maxTokens ?? 1024,
            ...(temperature !== undefined ? { temperature } : {}),
          },
          signal ? { signal } : {},
        );
        const text = res.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
        const used = res.usage ? res.usage.input_tokens + res.usage.output_tokens : undefined;
        return { text, model: res.model || model, tokens: used };
      } catch (err) {
        throw mapError(creds, err);
      }
    },
  };
}

export async function anthropicModels(creds: AiCredentials, o: AiAdapterOptions): Promise<AiModelInfo[]> {
  const out: AiModelInfo[] = [];
  try {
    for await (const m of client(creds, o).models.list()) {
      out.push({ id: m.id, name: m.display_name || m.id, kind: "chat", context_length: null });
      if (out.length >= MODEL_LIST_MAX) break;
    }
  } catch (err) {
    throw mapError(creds, err);
  }
  return out;
}
