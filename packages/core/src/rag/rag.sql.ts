import { boolean, index, integer, jsonb, pgTable, serial, text, uniqueIndex, vector } from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz, updatedAt } from "../db/columns.ts";
import { EMBEDDING_DIMENSIONS } from "../port/ai.ts";

export const RAG_SOURCE_TYPES = ["macro", "webpage", "custom", "file"] as const;
export type RagSourceType = (typeof RAG_SOURCE_TYPES)[number];
/** idle: never synced or synced fine; queued: a sync message is waiting; syncing: running; failed: see sync_error. */
export const RAG_SYNC_STATES = ["idle", "queued", "syncing", "failed"] as const;
export const RAG_DOCUMENT_KINDS = ["context", "macro"] as const;

export const ragSources = pgTable(
  "rag_sources",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    sourceType: text("source_type", { enum: RAG_SOURCE_TYPES }).notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().default({}).notNull(),
    enabled: boolean("enabled").default(true).notNull(),
    /** Rows of rag_documents (chunks) of this source; rewritten by every sync in the same transaction. */
    documentCount: integer("document_count").default(0).notNull(),
    lastSyncedAt: timestampTz("last_synced_at"),
    syncState: text("sync_state", { enum: RAG_SYNC_STATES }).default("idle").notNull(),
    syncError: text("sync_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("rag_sources_tenant_idx").on(t.tenantId)],
);

/** One chunk of one document of a source, with its embedding. Search results are rows of this table. */
export const ragDocuments = pgTable(
  "rag_documents",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    sourceId: integer("source_id")
      .notNull()
      .references(() => ragSources.id, { onDelete: "cascade" }),
    /** The document within its source: a page's canonical URL, `snippet:<i>`, `media:<uuid>`, `macro:<id>`. */
    documentKey: text("document_key").notNull(),
    title: text("title").default("").notNull(),
    url: text("url"),
    content: text("content").notNull(),
    /** sha256 of the embedded text and the embedding model: an unchanged chunk keeps its vector on re-sync. */
    contentHash: text("content_hash").notNull(),
    chunkIndex: integer("chunk_index").notNull(),
    embedding: vector("embedding", { dimensions: EMBEDDING_DIMENSIONS }).notNull(),
    embeddingModel: text("embedding_model").notNull(),
    kind: text("kind", { enum: RAG_DOCUMENT_KINDS }).default("context").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("rag_documents_tenant_source_idx").on(t.tenantId, t.sourceId),
    uniqueIndex("rag_documents_source_key_hash_idx").on(t.sourceId, t.documentKey, t.contentHash),
    // Cosine ANN index; search filters by tenant and enabled source with pgvector 0.8 iterative scans (rag/search.ts).
    index("rag_documents_embedding_idx").using("hnsw", t.embedding.op("vector_cosine_ops")),
  ],
);

export type RagSourceRow = typeof ragSources.$inferSelect;
