import { and, eq, isNull, like } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import type { Db } from "../port/database.ts";
import type { AiProviderType } from "../port/ai-clients.ts";
import { getSetting, putSetting, settings } from "../setting/index.ts";
import { OPENAI_EMBEDDING_MODELS } from "./models.ts";
import { defaultAiProviderType, hasAiProvider, setDefaultAiProvider } from "./providers.ts";

export type AiChoice = AiProviderType | "local";
export const EMBEDDING_PROVIDERS = ["openai", "openrouter", "local"] as const;
export type EmbeddingProvider = (typeof EMBEDDING_PROVIDERS)[number];

/** What is stored under the "ai" settings key; the provider itself is the default flag of the provider records. */
type StoredAiSettings = {
  model?: string;
  embedding_provider?: EmbeddingProvider;
  embedding_model?: string;
  system_prompt?: string;
};

/**
 * Workspace AI settings as the API shows them. `provider` is the default provider record's type ("local"
 * without one); `model` "" means that record's model. Embeddings never follow the chat provider implicitly:
 * changing the embedder changes the vector space of the whole knowledge base.
 */
export type AiSettings = {
  provider: AiChoice;
  model: string;
  embedding_provider: EmbeddingProvider;
  embedding_model: string;
  system_prompt: string;
};

/** A per-inbox override: null fields inherit the workspace's value. */
export type AiInboxOverride = {
  inbox_id: number;
  provider: AiChoice | null;
  model: string | null;
  embedding_model: string | null;
  system_prompt: string | null;
};

export const AI_SETTINGS_KEY = "ai";
const inboxKey = (inboxId: number) => `ai.inbox.${inboxId}`;

export async function getAiSettings(db: Db, tenantId: number): Promise<AiSettings> {
  const stored = (await getSetting<StoredAiSettings>(db, tenantId, AI_SETTINGS_KEY)) ?? {};
  return {
    provider: await defaultAiProviderType(db, tenantId),
    model: stored.model ?? "",
    embedding_provider: stored.embedding_provider ?? "local",
    embedding_model: stored.embedding_model ?? "",
    system_prompt: stored.system_prompt ?? "",
  };
}

export type AiSettingsUpdate = Partial<AiSettings>;

/** Partial update; `provider` moves the default flag (as PUT /ai/provider/default does). */
export async function updateAiSettings(ctx: Ctx, patch: AiSettingsUpdate): Promise<AiSettings> {
  const { provider, ...rest } = patch;
  if (provider !== undefined) await requireProvider(ctx.db, ctx.tenantId, provider, "provider");
  if (rest.embedding_provider !== undefined && rest.embedding_provider !== "local") {
    await requireProvider(ctx.db, ctx.tenantId, rest.embedding_provider, "embedding_provider");
  }
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ value: settings.value })
      .from(settings)
      .where(and(eq(settings.tenantId, ctx.tenantId), eq(settings.key, AI_SETTINGS_KEY)))
      .for("update");
    const next: StoredAiSettings = { ...((row?.value ?? {}) as StoredAiSettings), ...rest };
    // A new embedding provider without a model takes that provider's default, not the old provider's model.
    if (rest.embedding_provider !== undefined && rest.embedding_model === undefined) next.embedding_model = "";
    checkEmbeddingModel(next.embedding_provider ?? "local", next.embedding_model ?? "", "embedding_model");
    await putSetting(tx, ctx.tenantId, AI_SETTINGS_KEY, next);
  });
  if (provider !== undefined) await setDefaultAiProvider(ctx, provider);
  return getAiSettings(ctx.db, ctx.tenantId);
}

export async function getAiInboxOverride(ctx: Ctx, inboxId: number): Promise<AiInboxOverride> {
  await requireInbox(ctx, inboxId);
  return readInboxOverride(ctx.db, ctx.tenantId, inboxId);
}

/** The stored override of an inbox (all nulls without one); no visibility check, for resolution. */
export async function readInboxOverride(db: Db, tenantId: number, inboxId: number): Promise<AiInboxOverride> {
  const stored = (await getSetting<Partial<AiInboxOverride>>(db, tenantId, inboxKey(inboxId))) ?? {};
  return {
    inbox_id: inboxId,
    provider: stored.provider ?? null,
    model: stored.model ?? null,
    embedding_model: stored.embedding_model ?? null,
    system_prompt: stored.system_prompt ?? null,
  };
}

/** Every stored inbox override of the workspace (inboxes without one are not listed). */
export async function listInboxOverrides(db: Db, tenantId: number): Promise<AiInboxOverride[]> {
  const rows = await db
    .select({ key: settings.key })
    .from(settings)
    .where(and(eq(settings.tenantId, tenantId), like(settings.key, "ai.inbox.%")));
  const ids = rows.map((r) => Number(r.key.slice("ai.inbox.".length))).filter((id) => Number.isInteger(id) && id > 0);
  return Promise.all(ids.map((id) => readInboxOverride(db, tenantId, id)));
}

export type AiInboxOverrideUpdate = Partial<Omit<AiInboxOverride, "inbox_id">>;

/** Partial update; a field set to null goes back to inheriting the workspace's value. */
export async function updateAiInboxOverride(
  ctx: Ctx,
  inboxId: number,
  patch: AiInboxOverrideUpdate,
): Promise<AiInboxOverride> {
  await requireInbox(ctx, inboxId);
  if (patch.provider) await requireProvider(ctx.db, ctx.tenantId, patch.provider, "provider");
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ value: settings.value })
      .from(settings)
      .where(and(eq(settings.tenantId, ctx.tenantId), eq(settings.key, inboxKey(inboxId))))
      .for("update");
    const next: Record<string, unknown> = { ...((row?.value ?? {}) as Record<string, unknown>), ...patch };
    for (const [k, v] of Object.entries(next)) if (v === null || v === undefined) delete next[k];
    if (typeof next.embedding_model === "string") {
      const global = await getAiSettings(tx, ctx.tenantId);
      checkEmbeddingModel(global.embedding_provider, next.embedding_model, "embedding_model");
    }
    await putSetting(tx, ctx.tenantId, inboxKey(inboxId), next);
  });
  return readInboxOverride(ctx.db, ctx.tenantId, inboxId);
}

export async function deleteAiInboxOverride(ctx: Ctx, inboxId: number): Promise<void> {
  await requireInbox(ctx, inboxId);
  await ctx.db.delete(settings).where(and(eq(settings.tenantId, ctx.tenantId), eq(settings.key, inboxKey(inboxId))));
}

async function requireInbox(ctx: Ctx, inboxId: number): Promise<void> {
  const [row] = await ctx.db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.tenantId, ctx.tenantId), eq(inboxes.id, inboxId), isNull(inboxes.deletedAt)));
  if (!row) throw new NotFoundError("Inbox");
}

async function requireProvider(db: Db, tenantId: number, type: AiChoice, field: string): Promise<void> {
  if (type !== "local" && !(await hasAiProvider(db, tenantId, type))) {
    throw new InputError(`${field}: no ${type} provider is configured (PUT /api/v1/ai/provider first)`);
  }
}

/** OpenAI embeddings need a model that takes `dimensions`; the local embedder has one fixed model. */
function checkEmbeddingModel(provider: EmbeddingProvider, model: string, field: string): void {
  if (!model) return;
  if (provider === "openai" && !(OPENAI_EMBEDDING_MODELS as readonly string[]).includes(model)) {
    throw new InputError(`${field}: OpenAI embeddings need one of ${OPENAI_EMBEDDING_MODELS.join(", ")}`);
  }
  if (provider === "local")
    throw new InputError(`${field}: the local embedder has no models to choose; leave it empty`);
}
