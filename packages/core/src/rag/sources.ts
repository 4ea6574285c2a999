import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { transaction } from "../db/transaction.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import type { Outbound } from "../port/outbound.ts";
import { parseSourceConfig } from "./config.ts";
import { ragSources, type RagSourceRow, type RagSourceType } from "./rag.sql.ts";

export function ragSourceView(row: RagSourceRow) {
  return {
    id: row.id,
    name: row.name,
    source_type: row.sourceType,
    config: row.config,
    enabled: row.enabled,
    document_count: row.documentCount,
    last_synced_at: row.lastSyncedAt ? iso(row.lastSyncedAt) : null,
    sync_state: row.syncState,
    sync_error: row.syncError,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type RagSourceView = ReturnType<typeof ragSourceView>;

export type SourceInput = { name: string; source_type: RagSourceType; config?: unknown; enabled?: boolean | undefined };
export type SourceUpdate = {
  name?: string | undefined;
  config?: unknown;
  enabled?: boolean | undefined;
  source_type?: unknown;
};

export async function listSources(ctx: Ctx): Promise<RagSourceView[]> {
  const rows = await ctx.db
    .select()
    .from(ragSources)
    .where(eq(ragSources.tenantId, ctx.tenantId))
    .orderBy(asc(ragSources.id));
  return rows.map(ragSourceView);
}

export async function findSource(ctx: Ctx, id: number): Promise<RagSourceRow> {
  const [row] = await ctx.db
    .select()
    .from(ragSources)
    .where(and(eq(ragSources.tenantId, ctx.tenantId), eq(ragSources.id, id)));
  if (!row) throw new NotFoundError("Knowledge source");
  return row;
}

export async function getSource(ctx: Ctx, id: number): Promise<RagSourceView> {
  return ragSourceView(await findSource(ctx, id));
}

/**
 * A new source is synced at once (its `rag.sync` is queued after commit). `outbound`: the policy a web page
 * source's URL is checked against before it is saved.
 */
export async function createSource(ctx: Ctx, outbound: Outbound, input: SourceInput): Promise<RagSourceView> {
  const config = await parseSourceConfig(ctx.db, outbound, ctx.tenantId, input.source_type, input.config);
  const enabled = input.enabled ?? true;
  return transaction(ctx, async (tx, after) => {
    const [row] = await tx
      .insert(ragSources)
      .values({
        tenantId: ctx.tenantId,
        name: input.name,
        sourceType: input.source_type,
        config,
        enabled,
        syncState: enabled ? "queued" : "idle",
      })
      .returning();
    if (enabled) after.enqueue({ type: "rag.sync", tenantId: ctx.tenantId, sourceId: row!.id });
    return ragSourceView(row!);
  });
}

/** The type is immutable (400 naming `source_type`); a changed config or a re-enabled source is re-synced. */
export async function updateSource(
  ctx: Ctx,
  outbound: Outbound,
  id: number,
  input: SourceUpdate,
): Promise<RagSourceView> {
  if (input.source_type !== undefined)
    throw new InputError("source_type: cannot be changed; create a new source instead");
  const current = await findSource(ctx, id);
  const config =
    input.config === undefined
      ? undefined
      : await parseSourceConfig(ctx.db, outbound, ctx.tenantId, current.sourceType, input.config);
  const enabled = input.enabled ?? current.enabled;
  const resync = enabled && (config !== undefined || (input.enabled === true && !current.enabled));
  return transaction(ctx, async (tx, after) => {
    const [row] = await tx
      .update(ragSources)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(config !== undefined && { config }),
        enabled,
        ...(resync && { syncState: "queued" as const }),
        updatedAt: ctx.clock.now(),
      })
      .where(and(eq(ragSources.tenantId, ctx.tenantId), eq(ragSources.id, id)))
      .returning();
    if (!row) throw new NotFoundError("Knowledge source");
    if (resync) after.enqueue({ type: "rag.sync", tenantId: ctx.tenantId, sourceId: id });
    return ragSourceView(row);
  });
}

/** Its documents go with it (ON DELETE CASCADE). */
export async function deleteSource(ctx: Ctx, id: number): Promise<void> {
  const rows = await ctx.db
    .delete(ragSources)
    .where(and(eq(ragSources.tenantId, ctx.tenantId), eq(ragSources.id, id)))
    .returning({ id: ragSources.id });
  if (!rows.length) throw new NotFoundError("Knowledge source");
}

/** `POST /rag/sources/:id/sync`: marks the source queued and queues the sync after commit. */
export async function requestSync(ctx: Ctx, id: number): Promise<RagSourceView> {
  return transaction(ctx, async (tx, after) => {
    const [row] = await tx
      .update(ragSources)
      .set({ syncState: "queued" })
      .where(and(eq(ragSources.tenantId, ctx.tenantId), eq(ragSources.id, id)))
      .returning();
    if (!row) throw new NotFoundError("Knowledge source");
    after.enqueue({ type: "rag.sync", tenantId: ctx.tenantId, sourceId: id });
    return ragSourceView(row);
  });
}
