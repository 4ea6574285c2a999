import { RAG_SOURCE_TYPES, RAG_SYNC_STATES } from "@helperiq/core/rag/index";
import { z } from "zod";
import { int, jsonObject, timestamp } from "./scalars.ts";

/** A knowledge-base source (core/rag `ragSourceView`) and the state of its background sync. */
export const ragSource = z
  .object({
    id: int,
    name: z.string(),
    source_type: z.enum(RAG_SOURCE_TYPES),
    config: jsonObject.describe(
      "Per source type: macro {}, webpage {url, crawl_depth}, custom {snippets[]}, file {uploads[] {filename, media_uuid}}.",
    ),
    enabled: z.boolean(),
    document_count: int.describe("Chunks the last sync indexed."),
    last_synced_at: timestamp.nullable(),
    sync_state: z.enum(RAG_SYNC_STATES),
    sync_error: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "RagSource" });

/** A stored knowledge file, for a file source's `config.media_uuid`. */
export const ragUpload = z
  .object({ filename: z.string(), media_uuid: z.string(), content_type: z.string(), size: int })
  .meta({ id: "RagUpload" });

/** A knowledge chunk near a query (core/rag `SearchHit`), best first. */
export const ragSearchHit = z
  .object({
    id: int,
    source_id: int,
    source_name: z.string(),
    title: z.string(),
    content: z.string(),
    similarity: z.number().describe("Cosine similarity, -1 to 1."),
    url: z.string().nullable(),
  })
  .meta({ id: "RagSearchHit" });

/** A drafted reply and the knowledge it was drafted from (core/rag `GeneratedReply`). */
export const generatedReply = z
  .object({
    response: z.string(),
    context_documents: z.array(ragSearchHit),
    macro_documents: z.array(ragSearchHit),
    ecommerce_context_included: z.boolean(),
  })
  .meta({ id: "GeneratedReply" });
