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
import { ok, responds } from "../middleware/envelope.ts";
import {
  aiCompletion,
  aiConnectionTest,
  aiInboxOverride,
  aiModel,
  aiPrompt,
  aiProvider,
  aiProviderTypes,
  aiSettings,
} from "../responses/ai.ts";
import { done } from "../responses/scalars.ts";
import { idParam, validate } from "../validate.ts";

const providerType = z.enum(AI_PROVIDER_TYPES);
const choice = z.enum([...AI_PROVIDER_TYPES, "local"]);
const model = z.string().trim().min(1, "required").max(200);
/** Flat values only; a base URL is operator configuration (env), never a tenant's extra. */
const extras = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "keys are lower_snake_case"),
    z.union([z.string().max(500), z.number(), z.boolean()]),
  )
  .refine((e) => Object.keys(e).length <= 20, "at most 20 entries")
  .refine(
    (e) => !Object.keys(e).some((k) => /url$/.test(k) && k !== "site_url"),
    "base URLs are server configuration, not extras",
  );
const systemPrompt = z.string().max(10_000);

/**
 * The provider a body names: HelperIQ's `type`, or `provider` as LibreDesk's UI and server call it (both at
 * once must agree). `required`: one of them must be there.
 */
function namedProvider<T extends string>(required: boolean) {
  return <B extends { type?: T | undefined; provider?: T | undefined }>(
    { provider, ...body }: B,
    ctx: z.RefinementCtx,
  ) => {
    if (provider !== undefined && body.type !== undefined && provider !== body.type) {
      ctx.addIssue({ code: "custom", path: ["provider"], message: "names another provider than type" });
      return z.NEVER;
    }
    const type = body.type ?? provider;
    if (required && type === undefined) {
      ctx.addIssue({ code: "custom", path: ["type"], message: "required (or provider)" });
      return z.NEVER;
    }
    return { ...body, type };
  };
}

const providerBody = z
  .object({
    type: providerType.optional(),
    provider: providerType.optional(),
    api_key: z.string().max(500).optional(),
    model: model.optional(),
    extras: extras.optional(),
  })
  .transform(namedProvider(true))
  .transform(({ type, ...body }) => ({ ...body, type: type! }));
const testBody = z
  .object({
    type: providerType.optional(),
    provider: providerType.optional(),
    api_key: z.string().max(500).optional(),
    model: model.optional(),
  })
  .transform(namedProvider(false));
const defaultBody = z
  .object({ type: choice.optional(), provider: choice.optional() })
  .transform(namedProvider(true))
  .transform(({ type }) => ({ type: type! }));
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
/**
 * HelperIQ's `{prompt_key, text}` or LibreDesk's `{prompt_key, content}`. The form asked in is the form
 * answered: `text` gets `{completion, provider, model}`, `content` the rewritten text itself, which LibreDesk's
 * reply box puts straight into the editor.
 */
const completionBody = z
  .object({
    prompt_key: z.string().max(64),
    text: z
      .string()
      .max(COMPLETION_TEXT_MAX * 2)
      .optional(),
    content: z
      .string()
      .max(COMPLETION_TEXT_MAX * 2)
      .optional(),
    target_language: z
      .string()
      .trim()
      .max(64)
      .regex(/^[\p{L} ()-]*$/u, "a language name like French or pt-BR")
      .optional(),
  })
  .superRefine((body, ctx) => {
    if (body.text === undefined && body.content === undefined)
      ctx.addIssue({ code: "custom", path: ["text"], message: "required (or content)" });
    if (body.text !== undefined && body.content !== undefined)
      ctx.addIssue({ code: "custom", path: ["content"], message: "give text or content, not both" });
  });

const aiDeps = (c: Context<AppEnv>): AiDeps => ({ secrets: c.get("deps").secrets, ai: c.get("deps").ai });

/**
 * AI providers, models, settings and the reply-box rewrites. Cloud providers are records per
 * workspace (key sealed, always masked); "local" is built in, needs no record, and is what runs without one.
 */
export const aiFamily = new Hono<AppEnv>()
  .get("/api/v1/ai/prompts", auth(), responds(z.array(aiPrompt)), async (c) =>
    ok(c, await listPrompts(ctxOf(c), aiDeps(c))),
  )
  .post("/api/v1/ai/completion", auth(), validate("json", completionBody), responds(aiCompletion), async (c) => {
    const { text, content, ...request } = c.req.valid("json");
    const libreDesk = content !== undefined;
    const result = await completePrompt(ctxOf(c), aiDeps(c), {
      ...request,
      text: content ?? text ?? "",
      field: libreDesk ? "content" : "text",
    });
    return ok(c, libreDesk ? result.completion : result);
  })
  .get("/api/v1/ai/providers", auth("ai:manage"), responds(z.array(aiProvider)), async (c) =>
    ok(c, await listAiProviders(ctxOf(c))),
  )
  .get("/api/v1/ai/providers/supported", auth("ai:manage"), responds(aiProviderTypes), (c) =>
    ok(c, [...AI_PROVIDER_TYPES]),
  )
  // Without `provider` (LibreDesk's UI), the default provider's models.
  .get(
    "/api/v1/ai/models",
    auth("ai:manage"),
    validate("query", z.object({ provider: choice.optional() })),
    responds(z.array(aiModel)),
    async (c) => ok(c, await listAiModels(ctxOf(c), aiDeps(c), c.req.valid("query").provider)),
  )
  .put("/api/v1/ai/provider", auth("ai:manage"), validate("json", providerBody), responds(aiProvider), async (c) =>
    ok(c, await upsertAiProvider(ctxOf(c), c.get("deps").secrets, c.req.valid("json"))),
  )
  .put(
    "/api/v1/ai/provider/default",
    auth("ai:manage"),
    validate("json", defaultBody),
    responds(z.array(aiProvider)),
    async (c) => ok(c, await setDefaultAiProvider(ctxOf(c), c.req.valid("json").type)),
  )
  .post(
    "/api/v1/ai/provider/test",
    auth("ai:manage"),
    validate("json", testBody),
    responds(aiConnectionTest),
    async (c) => ok(c, await testAiProvider(ctxOf(c), aiDeps(c), c.req.valid("json"))),
  )
  .get("/api/v1/settings/ai", auth("ai:manage"), responds(aiSettings), async (c) =>
    ok(c, await getAiSettings(c.get("deps").database.db, c.get("tenant").id)),
  )
  .put("/api/v1/settings/ai", auth("ai:manage"), validate("json", settingsBody), responds(aiSettings), async (c) =>
    ok(c, await updateAiSettings(ctxOf(c), c.req.valid("json"))),
  )
  .get(
    "/api/v1/settings/ai/inbox/:id",
    auth("ai:manage"),
    validate("param", idParam),
    responds(aiInboxOverride),
    async (c) => ok(c, await getAiInboxOverride(ctxOf(c), c.req.valid("param").id)),
  )
  .put(
    "/api/v1/settings/ai/inbox/:id",
    auth("ai:manage"),
    validate("param", idParam),
    validate("json", inboxBody),
    responds(aiInboxOverride),
    async (c) => ok(c, await updateAiInboxOverride(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/settings/ai/inbox/:id", auth("ai:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteAiInboxOverride(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  });
