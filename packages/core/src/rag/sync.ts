import { errorReason } from "../errors/describe.ts";
import { createHash } from "node:crypto";
import { and, count, eq, inArray } from "drizzle-orm";
import type { Embedder } from "../port/ai.ts";
import type { Clock } from "../port/clock.ts";
import { chunkText } from "./chunk.ts";
import { readSourceDocuments, type ReadDeps } from "./documents.ts";
import { ragDocuments, ragSources } from "./rag.sql.ts";
import { ofActiveTenant } from "../tenant/active.ts";

/** Texts per embedder call (cloud providers cap the batch; the local one does not care). */
export const EMBED_BATCH = 64;
const MAX_ERROR_CHARS = 500;

export type SyncDeps = ReadDeps & {
  clock: Clock;
  /** The workspace's embedder; `document_count` counts its chunks. */
  embedder: Embedder;
  /**
   * Other embedding models in use (inbox overrides, see resolveEmbedders): each chunk is also stored once
   * per such model, so a search with an inbox's model finds the same documents.
   */
  extraEmbedders?: Embedder[] | undefined;
  log?: ((line: string) => void) | undefined;
};
export type SyncResult =
  | { status: "synced"; documents: number; embedded: number; kept: number; deleted: number }
  | { status: "failed"; error: string }
  | { status: "gone" };

type Chunk = {
  key: string;
  title: string;
  url: string | null;
  kind: "context" | "macro";
  index: number;
  content: string;
  hash: string;
  input: string;
  embedder: Embedder;
};

/**
 * Brings one source's chunks in line with its content: chunks whose text (and embedding model) did not
 * change keep their vectors; new or changed ones are embedded in batches; the rest are deleted; then
 * `document_count` and `last_synced_at` are set in the same transaction. Failures (unreachable site,
 * unreadable file, provider errors) are recorded on the source and the old chunks stay searchable.
 * Idempotent: running it twice in a row embeds nothing the second time.
 */
export async function syncSource(deps: SyncDeps, tenantId: number, sourceId: number): Promise<SyncResult> {
  const [source] = await deps.db
    .select()
    .from(ragSources)
    .where(and(eq(ragSources.tenantId, tenantId), eq(ragSources.id, sourceId)));
  if (!source) return { status: "gone" };
  await deps.db.update(ragSources).set({ syncState: "syncing" }).where(eq(ragSources.id, sourceId));
  try {
    const docs = await readSourceDocuments(deps, source);
    const models = new Map([deps.embedder, ...(deps.extraEmbedders ?? [])].map((e) => [e.model, e]));
    const chunks = [...models.values()].flatMap((embedder) =>
      docs.flatMap((doc) => {
        const seen = new Set<string>();
        return chunkText(doc.text).flatMap((content, index): Chunk[] => {
          const input = doc.title ? `${doc.title}\n\n${content}` : content;
          const hash = createHash("sha256").update(`${embedder.model}\0${input}`).digest("hex");
          if (seen.has(hash)) return []; // The same text twice in one document is stored once.
          seen.add(hash);
          return [
            { key: doc.key, title: doc.title, url: doc.url, kind: doc.kind, index, content, hash, input, embedder },
          ];
        });
      }),
    );

    const existing = await deps.db
      .select({
        id: ragDocuments.id,
        key: ragDocuments.documentKey,
        hash: ragDocuments.contentHash,
        index: ragDocuments.chunkIndex,
        title: ragDocuments.title,
        url: ragDocuments.url,
      })
      .from(ragDocuments)
      .where(eq(ragDocuments.sourceId, sourceId));
    const byIdentity = new Map(existing.map((row) => [`${row.key}\0${row.hash}`, row]));
    const wanted = new Set(chunks.map((c) => `${c.key}\0${c.hash}`));
    const fresh = chunks.filter((c) => !byIdentity.has(`${c.key}\0${c.hash}`));
    const moved = chunks.flatMap((c) => {
      const row = byIdentity.get(`${c.key}\0${c.hash}`);
      return row && (row.index !== c.index || row.title !== c.title || row.url !== c.url)
        ? [{ id: row.id, chunk: c }]
        : [];
    });

    // `fresh` is grouped by model (chunks were built model by model), so a batch never mixes embedders.
    const vectors: number[][] = [];
    for (let i = 0; i < fresh.length; ) {
      const embedder = fresh[i]!.embedder;
      let end = i;
      while (end < fresh.length && end - i < EMBED_BATCH && fresh[end]!.embedder === embedder) end++;
      const batch = fresh.slice(i, end);
      const embedded = await embedder.embed(batch.map((c) => c.input));
      if (embedded.length !== batch.length)
        throw new Error(`the embedder returned ${embedded.length} vectors for ${batch.length} texts`);
      vectors.push(...embedded);
      i = end;
    }

    const now = deps.clock.now();
    let deleted = 0;
    await deps.db.transaction(async (tx) => {
      // Two syncs of one source (a manual one during the hourly one) take turns here; the second sees the
      // first one's rows, so it deletes only what is stale by then and inserts only what is still missing.
      await tx.select({ id: ragSources.id }).from(ragSources).where(eq(ragSources.id, sourceId)).for("update");
      const current = await tx
        .select({ id: ragDocuments.id, key: ragDocuments.documentKey, hash: ragDocuments.contentHash })
        .from(ragDocuments)
        .where(eq(ragDocuments.sourceId, sourceId));
      const staleNow = current.filter((row) => !wanted.has(`${row.key}\0${row.hash}`)).map((row) => row.id);
      if (staleNow.length) await tx.delete(ragDocuments).where(inArray(ragDocuments.id, staleNow));
      deleted = staleNow.length;
      for (const { id, chunk } of moved) {
        await tx
          .update(ragDocuments)
          .set({ chunkIndex: chunk.index, title: chunk.title, url: chunk.url, updatedAt: now })
          .where(eq(ragDocuments.id, id));
      }
      for (let i = 0; i < fresh.length; i += EMBED_BATCH) {
        await tx
          .insert(ragDocuments)
          .values(
            fresh.slice(i, i + EMBED_BATCH).map((c, j) => ({
              tenantId,
              sourceId,
              documentKey: c.key,
              title: c.title,
              url: c.url,
              content: c.content,
              contentHash: c.hash,
              chunkIndex: c.index,
              embedding: vectors[i + j]!,
              embeddingModel: c.embedder.model,
              kind: c.kind,
            })),
          )
          .onConflictDoNothing();
      }
      const [{ n }] = (await tx
        .select({ n: count() })
        .from(ragDocuments)
        .where(and(eq(ragDocuments.sourceId, sourceId), eq(ragDocuments.embeddingModel, deps.embedder.model)))) as [
        { n: number },
      ];
      await tx
        .update(ragSources)
        .set({ documentCount: Number(n), lastSyncedAt: now, syncState: "idle", syncError: null })
        .where(eq(ragSources.id, sourceId));
    });
    return {
      status: "synced",
      documents: chunks.length / models.size,
      embedded: fresh.length,
      kept: chunks.length - fresh.length,
      deleted,
    };
  } catch (err) {
    const error = errorReason(err).slice(0, MAX_ERROR_CHARS);
    (deps.log ?? console.warn)(`[rag] tenant ${tenantId}: sync of source ${sourceId} failed: ${error}`);
    await deps.db.update(ragSources).set({ syncState: "failed", syncError: error }).where(eq(ragSources.id, sourceId));
    return { status: "failed", error };
  }
}

/** Every enabled source of every workspace, for the hourly re-sync (one queue message each). */
export async function enabledSources(db: ReadDeps["db"]): Promise<{ tenantId: number; sourceId: number }[]> {
  return db
    .select({ tenantId: ragSources.tenantId, sourceId: ragSources.id })
    .from(ragSources)
    .where(and(eq(ragSources.enabled, true), ofActiveTenant(ragSources.tenantId)));
}
