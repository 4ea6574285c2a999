import type { Keyring } from "../crypto/secret-box.ts";
import { meterChat, meterEmbedder, type MeterCtx } from "../quota/ai-usage.ts";
import type { ChatModel, Embedder } from "../port/ai.ts";
import type { AiClients, AiProviderType } from "../port/ai-clients.ts";
import { DEFAULT_SYSTEM_PROMPT } from "../rag/prompt.ts";
import { localChatModel, localEmbedder } from "./local/index.ts";
import { AiProviderError } from "./errors.ts";
import { DEFAULT_EMBEDDING_MODEL } from "./models.ts";
import { loadAiProviders, type AiProviderRecord } from "./providers.ts";
import { getAiSettings, listInboxOverrides, readInboxOverride } from "./settings.ts";

/** What resolving AI settings needs besides the database: the keyring (keys are sealed) and the provider clients. */
export type AiDeps = { secrets: Keyring; ai: AiClients };

export type ResolvedAi = {
  chat: ChatModel;
  embedder: Embedder;
  systemPrompt: string;
  /** Where the chat settings came from: the inbox's override, the workspace's settings, or nothing (built-in local). */
  source: "inbox" | "global" | "local-default";
};

/**
 * Cloud models come metered (quota/ai-usage.ts): each call checks the workspace's monthly AI allowance and is
 * recorded in its usage.
 *
 * The effective AI of a workspace, or of one inbox (shared AI contract): each field of the inbox's override
 * if set, else the workspace's settings and default provider, else the local provider. The embedder is the
 * workspace's embedding provider (an inbox may only pick another model of it): one vector space per workspace.
 */
export async function resolveAi(
  ctx: MeterCtx,
  deps: AiDeps,
  opts: { inboxId?: number | undefined } = {},
): Promise<ResolvedAi> {
  const global = await getAiSettings(ctx.db, ctx.tenantId);
  const override = opts.inboxId === undefined ? null : await readInboxOverride(ctx.db, ctx.tenantId, opts.inboxId);
  const overridden =
    override !== null &&
    [override.provider, override.model, override.embedding_model, override.system_prompt].some((v) => v !== null);
  const needsRecords = (override?.provider ?? global.provider) !== "local" || global.embedding_provider !== "local";
  const records = needsRecords ? await loadAiProviders(ctx.db, deps.secrets, ctx.tenantId) : [];
  const record = (type: AiProviderType): AiProviderRecord => {
    const found = records.find((r) => r.type === type);
    if (!found)
      throw new AiProviderError(
        "bad_request",
        `The AI settings name ${type}, but no ${type} provider is configured`,
        type,
      );
    return found;
  };

  const chatType = override?.provider ?? global.provider;
  let chat: ChatModel;
  if (chatType === "local") chat = localChatModel();
  else {
    const rec = record(chatType);
    // The workspace model applies to the workspace's provider only; another provider brings its record's model.
    const model = override?.model ?? (chatType === global.provider && global.model ? global.model : rec.model);
    chat = meterChat(ctx, deps.ai.chat(rec.creds, model));
  }

  const embType = global.embedding_provider;
  let embedder: Embedder;
  if (embType === "local") embedder = localEmbedder();
  else {
    const model = override?.embedding_model ?? (global.embedding_model || DEFAULT_EMBEDDING_MODEL[embType]!);
    embedder = meterEmbedder(ctx, deps.ai.embedder(record(embType).creds, model));
  }

  const systemPrompt = override?.system_prompt ?? (global.system_prompt || DEFAULT_SYSTEM_PROMPT);
  const configured =
    global.provider !== "local" ||
    global.model !== "" ||
    global.embedding_provider !== "local" ||
    global.system_prompt !== "";
  return { chat, embedder, systemPrompt, source: overridden ? "inbox" : configured ? "global" : "local-default" };
}

/**
 * Every embedder knowledge must be stored for: the workspace's first, then one per other embedding model an
 * inbox override names (same provider: an inbox may only pick another model of it). The local embedder has
 * one model, so overrides add nothing to it.
 */
export async function resolveEmbedders(ctx: MeterCtx, deps: AiDeps): Promise<Embedder[]> {
  const workspace = (await resolveAi(ctx, deps)).embedder;
  const global = await getAiSettings(ctx.db, ctx.tenantId);
  if (global.embedding_provider === "local") return [workspace];
  const models = new Set(
    (await listInboxOverrides(ctx.db, ctx.tenantId)).map((o) => o.embedding_model).filter((m): m is string => !!m),
  );
  models.delete(workspace.model);
  if (models.size === 0) return [workspace];
  const records = await loadAiProviders(ctx.db, deps.secrets, ctx.tenantId);
  const record = records.find((r) => r.type === global.embedding_provider);
  if (!record) return [workspace];
  return [workspace, ...[...models].map((model) => meterEmbedder(ctx, deps.ai.embedder(record.creds, model)))];
}
