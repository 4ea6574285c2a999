import { and, eq, sql } from "drizzle-orm";
import type { Embedder } from "../port/ai.ts";
import type { Db } from "../port/database.ts";
import { ragDocuments, ragSources } from "./rag.sql.ts";

export const DEFAULT_SEARCH_LIMIT = 5;
export const MAX_SEARCH_LIMIT = 50;
export const DEFAULT_SEARCH_THRESHOLD = 0.25;
/**
 * The local embedder is lexical (hashed n-grams): a chunk that answers a short question shares a few key
 * terms with it and scores 0.1–0.6, unrelated text about 0. Its default threshold is lower accordingly.
 */
export const LOCAL_SEARCH_THRESHOLD = 0.1;

/** The threshold a search uses when the caller gives none. */
export const defaultThresholdFor = (embedder: Pick<Embedder, "provider">) =>
  embedder.provider === "local" ? LOCAL_SEARCH_THRESHOLD : DEFAULT_SEARCH_THRESHOLD;
/**
 * HNSW candidates per scan step. With pgvector ≥ 0.8 iterative scans, a scan whose candidates are
 * filtered out (other workspaces, disabled sources, another embedding model) continues with the next
 * ones, in exact distance order (`strict_order`), up to MAX_SCAN_TUPLES; without them, a small workspace in
 * a big table would get fewer than `limit` results or none.
 */
// Measured (bench/rag.ts, 100k chunks, local embedder): recall@5 0.83 at ef 100, 0.97 at ef 200 for ~5 ms more.
const EF_SEARCH = 200;
const MAX_SCAN_TUPLES = 40_000;

export type SearchHit = {
  id: number;
  source_id: number;
  source_name: string;
  title: string;
  content: string;
  similarity: number;
  url: string | null;
};
export type SearchHitWithKind = SearchHit & { kind: "context" | "macro" };

export type SearchOptions = { limit?: number; threshold?: number; kind?: "context" | "macro" };

/** Chunks of the workspace's enabled sources nearest to `vector` by cosine, at least `threshold` similar, best first. */
export async function searchByVector(
  db: Db,
  tenantId: number,
  model: string,
  vector: number[],
  { limit = DEFAULT_SEARCH_LIMIT, threshold = DEFAULT_SEARCH_THRESHOLD, kind }: SearchOptions = {},
): Promise<SearchHitWithKind[]> {
  const literal = `[${vector.join(",")}]`;
  const distance = sql<number>`(${ragDocuments.embedding} <=> ${literal}::vector)`;
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL hnsw.iterative_scan = strict_order`));
    await tx.execute(sql.raw(`SET LOCAL hnsw.ef_search = ${EF_SEARCH}`));
    await tx.execute(sql.raw(`SET LOCAL hnsw.max_scan_tuples = ${MAX_SCAN_TUPLES}`));
    return tx
      .select({
        id: ragDocuments.id,
        source_id: ragDocuments.sourceId,
        source_name: ragSources.name,
        title: ragDocuments.title,
        content: ragDocuments.content,
        url: ragDocuments.url,
        kind: ragDocuments.kind,
        distance,
      })
      .from(ragDocuments)
      .innerJoin(ragSources, eq(ragSources.id, ragDocuments.sourceId))
      .where(
        and(
          eq(ragDocuments.tenantId, tenantId),
          eq(ragSources.enabled, true),
          eq(ragDocuments.embeddingModel, model),
          kind ? eq(ragDocuments.kind, kind) : undefined,
        ),
      )
      .orderBy(distance)
      .limit(limit);
  });
  // The threshold is applied to the nearest `limit`, not inside the scan: a distance filter in SQL would
  // make the ANN scan walk the whole index looking for matches that are not there.
  return rows
    .map(({ distance: d, ...row }) => ({ ...row, similarity: round(1 - Number(d)) }))
    .filter((hit) => hit.similarity >= threshold);
}

/** Embeds `query` with the workspace's embedder and searches (`POST /rag/search`). */
export async function searchKnowledge(
  db: Db,
  tenantId: number,
  embedder: Embedder,
  query: string,
  options: SearchOptions = {},
): Promise<SearchHit[]> {
  const [vector] = await embedder.embed([query]);
  const hits = await searchByVector(db, tenantId, embedder.model, vector!, {
    ...options,
    threshold: options.threshold ?? defaultThresholdFor(embedder),
  });
  return hits.map(({ kind: _kind, ...hit }) => hit);
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;
