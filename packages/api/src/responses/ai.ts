import { PROMPT_KEYS } from "@helperiq/core/ai/prompts";
import { EMBEDDING_PROVIDERS } from "@helperiq/core/ai/settings";
import { AI_PROVIDER_TYPES } from "@helperiq/core/port/ai-clients";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

const providerType = z.enum(AI_PROVIDER_TYPES);
/** A cloud provider, or "local": built in, needing no record. */
const aiChoice = z.enum([...AI_PROVIDER_TYPES, "local"]);

/** A reply-box rewrite the AI menu offers (core/ai `listPrompts`). */
export const aiPrompt = z
  .object({
    key: z.enum(PROMPT_KEYS),
    label: z.string(),
    title: z.string(),
    needs_target_language: z.boolean(),
    available: z
      .boolean()
      .describe("Whether the workspace's AI provider can run it (the local one cannot translate or expand)."),
  })
  .meta({ id: "AiPrompt" });

/** A rewrite: HelperIQ's object when asked with `text`; LibreDesk's bare string when asked with `content`. */
export const aiCompletion = z.union([
  z.object({ completion: z.string(), provider: z.string(), model: z.string() }).meta({ id: "AiCompletion" }),
  z.string(),
]);

/** A workspace's cloud AI provider (core/ai `AiProviderView`). */
export const aiProvider = z
  .object({
    id: int,
    type: providerType,
    api_key: z.string().describe("Masked: the key is write-only."),
    model: z.string(),
    extras: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .describe("Provider options (e.g. base_url)."),
    is_default: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "AiProvider" });

export const aiProviderTypes = z.array(providerType);

/** A model a provider offers (core/port `AiModelInfo`). */
export const aiModel = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(["chat", "embedding"]), context_length: int.nullable() })
  .meta({ id: "AiModel" });

/** A provider connection test: ok, or why not. */
export const aiConnectionTest = z
  .object({
    ok: z.boolean(),
    provider: providerType,
    model: z.string(),
    latency_ms: int.nullable(),
    error: z
      .object({ kind: z.enum(["auth", "quota", "rate_limit", "unavailable", "bad_request"]), message: z.string() })
      .optional(),
  })
  .meta({ id: "AiConnectionTest" });

/** Workspace AI settings (core/ai `AiSettings`): `model` "" means the default provider's model. */
export const aiSettings = z
  .object({
    provider: aiChoice.describe("The default provider record's type; local without one."),
    model: z.string(),
    embedding_provider: z.enum(EMBEDDING_PROVIDERS),
    embedding_model: z.string(),
    system_prompt: z.string(),
  })
  .meta({ id: "AiSettings" });

/** An inbox's AI override: a null field inherits the workspace's value. */
export const aiInboxOverride = z
  .object({
    inbox_id: int,
    provider: aiChoice.nullable(),
    model: z.string().nullable(),
    embedding_model: z.string().nullable(),
    system_prompt: z.string().nullable(),
  })
  .meta({ id: "AiInboxOverride" });
