import { AiProviderError, type AiProviderErrorKind } from "@helperiq/core/ai/errors";

/** What the SDKs' error classes tell us, normalised (both are Stainless SDKs with the same shape). */
export type SdkFailure = {
  status: number | undefined;
  headers: Headers | undefined;
  /** OpenAI's error.code / error.type, Anthropic's error.type. */
  code: string | undefined;
  /** The provider's own message (scrubbed before it is shown). */
  message: string | undefined;
  timeout: boolean;
  aborted: boolean;
};

const KEYLIKE = /\b(?:sk|rk|pk)[-_][A-Za-z0-9*_.-]{4,}/g;

/** Provider messages may quote the key ("Incorrect API key provided: sk-ab***yz"): never pass one on. */
export function scrub(message: string, apiKey: string): string {
  let s = message;
  if (apiKey.length >= 4) s = s.split(apiKey).join("[redacted]");
  s = s.replace(KEYLIKE, "[redacted]").replace(/\s+/g, " ").trim();
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const raw = headers?.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * The AiProviderError for a failed call. Kinds: auth (401/403), quota (the caller tells: each provider
 * signals it differently), rate_limit (other 429s), unavailable (5xx, 529, timeouts, connection), and
 * bad_request (the rest: unknown model, invalid request).
 */
export function providerError(
  label: string,
  provider: string,
  apiKey: string,
  f: SdkFailure,
  isQuota: (f: SdkFailure) => boolean,
): AiProviderError {
  const said = f.message ? scrub(f.message, apiKey) : "";
  const make = (kind: AiProviderErrorKind, message: string, after?: number) =>
    new AiProviderError(kind, message, provider, after);
  if (f.aborted) return make("unavailable", `${label}: the request was cancelled`);
  if (f.timeout) return make("unavailable", `${label} did not answer in time`);
  if (f.status === undefined) return make("unavailable", `${label} could not be reached`);
  if (isQuota(f)) return make("quota", `${label}: the account is out of credit or quota${said ? ` (${said})` : ""}`);
  if (f.status === 401 || f.status === 403) {
    // Not the provider's text: OpenAI's 401 quotes part of the key.
    return make("auth", `${label} rejected the API key (HTTP ${f.status}); check the key in the AI provider settings`);
  }
  if (f.status === 429) {
    const after = retryAfter(f.headers);
    return make(
      "rate_limit",
      `${label} rate limit reached${after !== undefined ? `; retry after ${after} s` : ""}`,
      after,
    );
  }
  if (f.status >= 500)
    return make("unavailable", `${label} is unavailable (HTTP ${f.status})${said ? `: ${said}` : ""}`);
  return make("bad_request", `${label} refused the request (HTTP ${f.status})${said ? `: ${said}` : ""}`);
}

/** Embeddings are compared by cosine on normalised vectors (pgvector column); providers mostly normalise, this makes sure. */
export function l2normalise(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : v;
}

export const EMBED_BATCH = 96;

/** Runs `f` over `items` in batches of at most `size`, in order. */
export async function inBatches<T, R>(items: T[], size: number, f: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await f(items.slice(i, i + size))));
  return out;
}
