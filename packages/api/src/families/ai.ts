import {
  completePrompt,
  COMPLETION_TEXT_MAX,
  deleteAiInboxOverride,
  EMBEDDING_PROVIDERS,
  getAiInboxOverride,
  getAiSettings,
  listAiModels,
  listAiProviders,
  listPrompts,
  setDefaultAiProvider,
  testAiProvider,
  updateAiInboxOverride,
  updateAiSettings,
  upsertAiProvider,
  type AiDeps,
} from "@helperiq/core/ai/index";
import { AI_PROVIDER_TYPES } from "@helperiq/core/port/ai-clients";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok } from "../middleware/envelope.ts";
import { idParam, validate } from "../validate.ts";

const providerType = z.enum(AI_PROVIDER_TYPES);
const choice = z.enum([...AI_PROVIDER_TYPES, "local"]);
const model = z.string().trim().min(1, "required").max(200);
/** Flat values only; a base URL is operator configuration (env), never a tenant's extra. */
const extras = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "keys are lower_snake_case"), z.union([z.string().max(500), z.number(), z.boolean()]))
  .refine((e) => Object.keys(e).length <= 20, "at most 20 entries")
  .refine((e) => !Object.keys(e).some((k) => /url$/.test(k) && k !== "site_url"), "base URLs are server configuration, not extras");
const systemPrompt = z.string().max(10_000);

const providerBody = z.object({ type: providerType, api_key: z.string().max(500).optional(), model: model.optional(), extras: extras.optional() });
const testBody = z.object({ type: providerType.optional(), api_key: z.string().max(500).optional(), model: model.optional() });
const settingsBody = z
  .object({
    provider: choice,
    model: z.string().trim().max(200),
    embedding_provider: z.enum(EMBEDDING_PROVIDERS),
    embedding_model: z.string().trim().max(200),
    system_prompt: systemPrompt,
  })
  .partial()
  .strict();
const inboxBody = z
  .object({
    provider: choice.nullable(),
    model: model.nullable(),
    embedding_model: model.nullable(),
    system_prompt: systemPrompt.nullable(),
  })
  .partial()
  .strict();
const completionBody = z.object({
  prompt_key: z.string().max(64),
  text: z.string().max(COMPLETION_TEXT_MAX * 2),
  target_language: z
    .string()
    .trim()
    .max(64)
    .regex(/^[\p{L} ()\-]*$/u, "a language name like French or pt-BR")
    .optional(),
});

const aiDeps = (c: Context<AppEnv>): AiDeps => ({ secrets: c.get("deps").secrets, ai: c.get("deps").ai });

/**
 * AI providers, models, settings and the reply-box rewrites (spec "AI"). Cloud providers are records per
 * workspace (key sealed, always masked); "local" is built in, needs no record, and is what runs without one.
 */
export const aiFamily = new Hono<AppEnv>()
  .get("/api/v1/ai/prompts", auth(), (c) => ok(c, listPrompts()))
  .post("/api/v1/ai/completion", auth(), validate("json", completionBody), async (c) =>
    ok(c, await completePrompt(ctxOf(c), aiDeps(c), c.req.valid("json"))),
  )
  .get("/api/v1/ai/providers", auth("ai:manage"), async (c) => ok(c, await listAiProviders(ctxOf(c))))
  .get("/api/v1/ai/providers/supported", auth("ai:manage"), (c) => ok(c, [...AI_PROVIDER_TYPES]))
  // Without `provider` (LibreDesk's UI), the default provider's models.
  .get("/api/v1/ai/models", auth("ai:manage"), validate("query", z.object({ provider: choice.optional() })), async (c) =>
    ok(c, await listAiModels(ctxOf(c), aiDeps(c), c.req.valid("query").provider)),
  )
  .put("/api/v1/ai/provider", auth("ai:manage"), validate("json", providerBody), async (c) =>
    ok(c, await upsertAiProvider(ctxOf(c), c.get("deps").secrets, c.req.valid("json"))),
  )
  .put("/api/v1/ai/provider/default", auth("ai:manage"), validate("json", z.object({ type: choice })), async (c) =>
    ok(c, await setDefaultAiProvider(ctxOf(c), c.req.valid("json").type)),
  )
  .post("/api/v1/ai/provider/test", auth("ai:manage"), validate("json", testBody), async (c) =>
    ok(c, await testAiProvider(ctxOf(c), aiDeps(c), c.req.valid("json"))),
  )
  .get("/api/v1/settings/ai", auth("ai:manage"), async (c) => ok(c, await getAiSettings(c.get("deps").database.db, c.get("tenant").id)))
  .put("/api/v1/settings/ai", auth("ai:manage"), validate("json", settingsBody), async (c) =>
    ok(c, await updateAiSettings(ctxOf(c), c.req.valid("json"))),
  )
  .get("/api/v1/settings/ai/inbox/:id", auth("ai:manage"), validate("param", idParam), async (c) =>
    ok(c, await getAiInboxOverride(ctxOf(c), c.req.valid("param").id)),
  )
  .put("/api/v1/settings/ai/inbox/:id", auth("ai:manage"), validate("param", idParam), validate("json", inboxBody), async (c) =>
    ok(c, await updateAiInboxOverride(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/settings/ai/inbox/:id", auth("ai:manage"), validate("param", idParam), async (c) => {
    await deleteAiInboxOverride(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  });
