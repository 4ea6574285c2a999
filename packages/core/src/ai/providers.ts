import { and, asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { isNewSecret, mask, seal, unseal, type Keyring } from "../crypto/secret-box.ts";
import { InputError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import type { AiCredentials, AiExtras, AiProviderType } from "../port/ai-clients.ts";
import { aiProviders } from "./ai.sql.ts";
import { DEFAULT_CHAT_MODEL } from "./models.ts";

type Row = typeof aiProviders.$inferSelect;

export type AiProviderView = {
  id: number;
  type: AiProviderType;
  /** Always masked: the key is write-only. */
  api_key: string;
  model: string;
  extras: AiExtras;
  is_default: boolean;
  created_at: string;
  updated_at: string;
};

export type AiProviderRecord = { type: AiProviderType; model: string; isDefault: boolean; creds: AiCredentials };

const view = (r: Row): AiProviderView => ({
  id: r.id,
  type: r.type as AiProviderType,
  api_key: mask(r.apiKey),
  model: r.model,
  extras: r.extras,
  is_default: r.isDefault,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});

export async function listAiProviders(ctx: Ctx): Promise<AiProviderView[]> {
  const rows = await ctx.db
    .select()
    .from(aiProviders)
    .where(eq(aiProviders.tenantId, ctx.tenantId))
    .orderBy(asc(aiProviders.id));
  return rows.map(view);
}

/** The records with their keys unsealed, for calling the provider; never for a response. */
export async function loadAiProviders(db: Db, secrets: Keyring, tenantId: number): Promise<AiProviderRecord[]> {
  const rows = await db.select().from(aiProviders).where(eq(aiProviders.tenantId, tenantId));
  return rows.map((r) => ({
    type: r.type as AiProviderType,
    model: r.model,
    isDefault: r.isDefault,
    creds: { type: r.type as AiProviderType, apiKey: unseal(secrets, r.apiKey), extras: r.extras },
  }));
}

export type AiProviderInput = {
  type: AiProviderType;
  api_key?: string | undefined;
  model?: string | undefined;
  extras?: AiExtras | undefined;
};

/**
 * Creates or updates the workspace's provider of `type`. A key that is absent, empty or the mask keeps the
 * stored one (forms send back what GET showed); a new record needs one. The first record becomes the default.
 */
export async function upsertAiProvider(ctx: Ctx, secrets: Keyring, input: AiProviderInput): Promise<AiProviderView> {
  const newKey = isNewSecret(input.api_key) ? input.api_key : undefined;
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(aiProviders)
      .where(and(eq(aiProviders.tenantId, ctx.tenantId), eq(aiProviders.type, input.type)))
      .for("update");
    if (existing) {
      const [row] = await tx
        .update(aiProviders)
        .set({
          ...(newKey ? { apiKey: seal(secrets, newKey) } : {}),
          ...(input.model ? { model: input.model } : {}),
          ...(input.extras ? { extras: input.extras } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(aiProviders.id, existing.id))
        .returning();
      return view(row!);
    }
    if (!newKey) throw new InputError("api_key: required");
    // Serialises first-record races per workspace, so exactly one of two concurrent creations becomes the default.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ai_providers'), ${ctx.tenantId})`);
    const [hasDefault] = await tx
      .select({ id: aiProviders.id })
      .from(aiProviders)
      .where(and(eq(aiProviders.tenantId, ctx.tenantId), eq(aiProviders.isDefault, true)));
    const [row] = await tx
      .insert(aiProviders)
      .values({
        tenantId: ctx.tenantId,
        type: input.type,
        apiKey: seal(secrets, newKey),
        model: input.model || DEFAULT_CHAT_MODEL[input.type],
        extras: input.extras ?? {},
        isDefault: !hasDefault,
      })
      .onConflictDoNothing()
      .returning();
    // A concurrent request created the same type first: answer as an update would have.
    if (!row) return upsertAiProvider(ctx, secrets, input);
    return view(row);
  });
}

/** Makes `type` the default provider; "local" clears the default (workspace AI then runs on the built-in provider). */
export async function setDefaultAiProvider(ctx: Ctx, type: AiProviderType | "local"): Promise<AiProviderView[]> {
  await ctx.db.transaction(async (tx) => {
    if (type !== "local") {
      const [target] = await tx
        .select({ id: aiProviders.id })
        .from(aiProviders)
        .where(and(eq(aiProviders.tenantId, ctx.tenantId), eq(aiProviders.type, type)));
      if (!target) throw new InputError(`type: no ${type} provider is configured`);
    }
    // Clear first: the partial unique index allows one default per workspace at any moment.
    await tx
      .update(aiProviders)
      .set({ isDefault: false, updatedAt: sql`now()` })
      .where(and(eq(aiProviders.tenantId, ctx.tenantId), eq(aiProviders.isDefault, true)));
    if (type !== "local") {
      await tx
        .update(aiProviders)
        .set({ isDefault: true, updatedAt: sql`now()` })
        .where(and(eq(aiProviders.tenantId, ctx.tenantId), eq(aiProviders.type, type)));
    }
  });
  return listAiProviders(ctx);
}

/** The type of the default provider, or "local" when none is. */
export async function defaultAiProviderType(db: Db, tenantId: number): Promise<AiProviderType | "local"> {
  const [row] = await db
    .select({ type: aiProviders.type })
    .from(aiProviders)
    .where(and(eq(aiProviders.tenantId, tenantId), eq(aiProviders.isDefault, true)));
  return (row?.type as AiProviderType | undefined) ?? "local";
}

export async function hasAiProvider(db: Db, tenantId: number, type: AiProviderType): Promise<boolean> {
  const [row] = await db
    .select({ id: aiProviders.id })
    .from(aiProviders)
    .where(and(eq(aiProviders.tenantId, tenantId), eq(aiProviders.type, type)));
  return Boolean(row);
}
