import { errorReason } from "../errors/describe.ts";
import { eq } from "drizzle-orm";
import { resolveEmbedders, type AiDeps } from "../ai/resolve.ts";
import type { Embedder } from "../port/ai.ts";
import { ragSources } from "./rag.sql.ts";
import { syncSource, type SyncDeps, type SyncResult } from "./sync.ts";

/**
 * The `rag.sync` job: the workspace's embedder and those of inbox overrides naming another embedding
 * model (resolveEmbedders), then syncSource. AI settings that cannot be resolved are recorded on the source like any sync failure.
 */
export async function runSyncJob(
  deps: Omit<SyncDeps, "embedder"> & AiDeps,
  tenantId: number,
  sourceId: number,
): Promise<SyncResult> {
  let embedders: Embedder[];
  try {
    embedders = await resolveEmbedders({ db: deps.db, tenantId }, deps);
  } catch (err) {
    const error = errorReason(err);
    await deps.db
      .update(ragSources)
      .set({ syncState: "failed", syncError: error.slice(0, 500) })
      .where(eq(ragSources.id, sourceId));
    return { status: "failed", error };
  }
  const [embedder, ...extraEmbedders] = embedders as [Embedder, ...Embedder[]];
  return syncSource({ ...deps, embedder, extraEmbedders }, tenantId, sourceId);
}
