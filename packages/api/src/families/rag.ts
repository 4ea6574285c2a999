import { ecommerceContextFor } from "@helperiq/core/ecommerce/index";
import { MAX_SNIPPET_CHARS, MAX_SNIPPETS } from "@helperiq/core/rag/config";
import { mediaSettings } from "../media-url.ts";
import {
  createSource,
  deleteSource,
  DEFAULT_SEARCH_LIMIT,
  generateReply,
  getSource,
  listSources,
  MAX_SEARCH_LIMIT,
  RAG_SOURCE_TYPES,
  requestSync,
  searchKnowledge,
  updateSource,
  uploadKnowledgeFile,
} from "@helperiq/core/rag/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { agentOf, auth } from "../middleware/auth.ts";
import { allowBody } from "../middleware/body-limit.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { generatedReply, ragSearchHit, ragSource, ragUpload } from "../responses/rag.ts";
import { done } from "../responses/scalars.ts";
import { uploadedFile, uploadLimit } from "../upload.ts";
import { idNumber, idParam, validate } from "../validate.ts";
import { ragAiFor } from "../rag-ai.ts";

const name = z.string().trim().min(1, "required").max(140);
/**
 * A custom source's snippets may reach MAX_SNIPPETS × MAX_SNIPPET_CHARS characters (up to 3 bytes each in
 * UTF-8): the one JSON body above the signed-in limit, so its two routes declare their own.
 */
const SOURCE_BODY_LIMIT = MAX_SNIPPETS * MAX_SNIPPET_CHARS * 3 + 64 * 1024;
// Config is checked per type by the domain (rag/config.ts), which names `config.<field>`.
const config = z.record(z.string(), z.unknown());

const sourceBody = z.object({
  name,
  source_type: z.enum(RAG_SOURCE_TYPES),
  config: config.optional(),
  enabled: z.boolean().optional(),
});
// `source_type` is accepted here only to be refused by the domain with a clear message (immutable type).
const sourceUpdate = z
  .object({
    name: name.optional(),
    config: config.optional(),
    enabled: z.boolean().optional(),
    source_type: z.unknown().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "nothing to update");

const searchBody = z.object({
  query: z.string().trim().min(1, "required").max(2000),
  limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(DEFAULT_SEARCH_LIMIT),
  // Unset: 0.25, or 0.1 with the local embedder (rag/search.ts defaultThresholdFor).
  threshold: z.number().min(-1).max(1).optional(),
});

/** A conversation by uuid, or by its reference number. */
const conversationRef = z.union([z.uuid(), idNumber]);
const generateBody = z
  .object({
    conversation_id: conversationRef.optional(),
    customer_message: z.string().trim().min(1, "must not be empty").max(10_000).optional(),
    inbox_id: idNumber.optional(),
    include_ecommerce: z.boolean().optional(),
  })
  .refine((b) => b.conversation_id !== undefined || b.customer_message !== undefined, {
    message: "conversation_id or customer_message is required",
    path: ["conversation_id"],
  });

const uploadForm = z.object({ file: z.file().describe("A .pdf, .txt, .md or .docx file for a file source.") });

/**
 * Knowledge base: sources and their background sync, search, and drafted
 * replies. Everything but generate needs ai:manage; generate is for whoever may write messages.
 */
export const ragFamily = new Hono<AppEnv>()
  .get("/api/v1/rag/sources", auth("ai:manage"), responds(z.array(ragSource)), async (c) =>
    ok(c, await listSources(ctxOf(c))),
  )
  .post(
    "/api/v1/rag/sources",
    auth("ai:manage"),
    allowBody(SOURCE_BODY_LIMIT),
    validate("json", sourceBody),
    responds(ragSource, 201),
    async (c) => {
      return ok(c, await createSource(ctxOf(c), c.get("deps").outbound, c.req.valid("json")), 201);
    },
  )
  .get("/api/v1/rag/sources/:id", auth("ai:manage"), validate("param", idParam), responds(ragSource), async (c) =>
    ok(c, await getSource(ctxOf(c), c.req.valid("param").id)),
  )
  .put(
    "/api/v1/rag/sources/:id",
    auth("ai:manage"),
    allowBody(SOURCE_BODY_LIMIT),
    validate("param", idParam),
    validate("json", sourceUpdate),
    responds(ragSource),
    async (c) => {
      return ok(c, await updateSource(ctxOf(c), c.get("deps").outbound, c.req.valid("param").id, c.req.valid("json")));
    },
  )
  .delete("/api/v1/rag/sources/:id", auth("ai:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteSource(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  })
  .post(
    "/api/v1/rag/sources/:id/sync",
    auth("ai:manage"),
    validate("param", idParam),
    responds(ragSource, 202),
    async (c) => {
      return ok(c, await requestSync(ctxOf(c), c.req.valid("param").id), 202);
    },
  )
  .post(
    "/api/v1/rag/upload",
    auth("ai:manage"),
    uploadLimit((c) => mediaSettings(c.get("deps").config).maxBytes, uploadForm),
    responds(ragUpload, 201),
    async (c) => {
      const { database, blobs, config: appConfig } = c.get("deps");
      const { maxBytes } = mediaSettings(appConfig);
      const file = await uploadedFile(c, maxBytes);
      const upload = await uploadKnowledgeFile(database.db, blobs, {
        tenantId: c.get("tenant").id,
        uploadedBy: agentOf(c).userId,
        filename: file.name,
        contentType: file.type,
        bytes: new Uint8Array(await file.arrayBuffer()),
        maxBytes,
      });
      return ok(c, upload, 201);
    },
  )
  .post(
    "/api/v1/rag/search",
    auth("ai:manage"),
    validate("json", searchBody),
    responds(z.array(ragSearchHit)),
    async (c) => {
      const { query, limit, threshold } = c.req.valid("json");
      const ai = await ragAiFor(c, undefined);
      return ok(
        c,
        await searchKnowledge(c.get("deps").database.db, c.get("tenant").id, ai.embedder, query, { limit, threshold }),
      );
    },
  )
  .post(
    "/api/v1/rag/generate",
    auth("messages:write"),
    validate("json", generateBody),
    responds(generatedReply),
    async (c) => {
      const body = c.req.valid("json");
      const ctx = ctxOf(c);
      const { ecommerce, secrets } = c.get("deps");
      const reply = await generateReply(
        ctx,
        {
          resolveAi: (inboxId) => ragAiFor(c, inboxId),
          ecommerceContext: (id) => ecommerceContextFor(ctx, { id }, { ecommerce, secrets }),
        },
        {
          conversation:
            body.conversation_id === undefined
              ? undefined
              : typeof body.conversation_id === "string"
                ? { uuid: body.conversation_id }
                : { referenceNumber: body.conversation_id },
          customer_message: body.customer_message,
          inbox_id: body.inbox_id,
          include_ecommerce: body.include_ecommerce,
        },
      );
      return ok(c, reply);
    },
  );
