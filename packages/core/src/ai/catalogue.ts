import type { Ctx } from "../context/index.ts";
import { isNewSecret } from "../crypto/secret-box.ts";
import { InputError, RateLimitError } from "../errors/index.ts";
import type { AiCredentials, AiModelInfo, AiProviderType } from "../port/ai-clients.ts";
import { AiProviderError } from "./errors.ts";
import { CURATED_MODELS, DEFAULT_CHAT_MODEL } from "./models.ts";
import { LOCAL_CHAT_MODEL, LOCAL_EMBEDDING_MODEL } from "./local/index.ts";
import { defaultAiProviderType, loadAiProviders } from "./providers.ts";
import type { AiDeps } from "./resolve.ts";

/** The built-in provider's models: what runs when the workspace has no cloud provider. */
const LOCAL_MODELS: AiModelInfo[] = [
  { id: LOCAL_CHAT_MODEL, name: "Local extractive drafts", kind: "chat", context_length: null },
  { id: LOCAL_EMBEDDING_MODEL, name: "Local hashed n-grams", kind: "embedding", context_length: null },
];

/**
 * OpenRouter's catalogue live (public; the workspace's key when it has one); curated lists for the others.
 * Without `type` (LibreDesk's UI asks so), the models of the workspace's default provider: "local" without one.
 * A catalogue OpenRouter does not give is a refusal naming `provider` with the reason (429 when it is rate
 * limiting): the picker shows it and the admin can still type a model id. It is not a server fault (no 500).
 */
export async function listAiModels(
  ctx: Ctx,
  deps: AiDeps,
  requested?: AiProviderType | "local",
): Promise<AiModelInfo[]> {
  const type = requested ?? (await defaultAiProviderType(ctx.db, ctx.tenantId));
  if (type === "local") return LOCAL_MODELS;
  if (type !== "openrouter") return CURATED_MODELS[type];
  const record = (await loadAiProviders(ctx.db, deps.secrets, ctx.tenantId)).find((r) => r.type === type);
  try {
    return await deps.ai.listModels(record?.creds ?? { type, apiKey: "", extras: {} });
  } catch (err) {
    if (!(err instanceof AiProviderError)) throw err;
    if (err.kind === "rate_limit") throw new RateLimitError(err.retryAfterSeconds ?? 60, err.message);
    throw new InputError(`provider: the model list could not be read (${err.message}); enter a model id instead`);
  }
}

export type ConnectionTestView = {
  ok: boolean;
  provider: AiProviderType;
  model: string;
  latency_ms: number | null;
  error?: { kind: AiProviderError["kind"]; message: string };
};

/**
 * A tiny real completion with a provider: the saved record of `type` (the default provider without one),
 * or a key given in the request to try before saving. A provider failure is an answer here (`ok: false`
 * with the safe message), not an error.
 */
export async function testAiProvider(
  ctx: Ctx,
  deps: AiDeps,
  input: { type?: AiProviderType | undefined; api_key?: string | undefined; model?: string | undefined },
): Promise<ConnectionTestView> {
  const records = await loadAiProviders(ctx.db, deps.secrets, ctx.tenantId);
  const type = input.type ?? records.find((r) => r.isDefault)?.type;
  if (!type) throw new InputError("type: required (the workspace has no default provider)");
  const record = records.find((r) => r.type === type);
  const givenKey = isNewSecret(input.api_key) ? input.api_key : undefined;
  const creds: AiCredentials | undefined = givenKey
    ? { type, apiKey: givenKey, extras: record?.creds.extras ?? {} }
    : record?.creds;
  if (!creds) throw new InputError(`api_key: required (no ${type} provider is saved)`);
  const model = input.model || record?.model || DEFAULT_CHAT_MODEL[type];
  try {
    const result = await deps.ai.testConnection(creds, model);
    return { ok: true, provider: type, model: result.model, latency_ms: result.latencyMs };
  } catch (err) {
    if (!(err instanceof AiProviderError)) throw err;
    return { ok: false, provider: type, model, latency_ms: null, error: { kind: err.kind, message: err.message } };
  }
}
