import { resolveAi } from "@helperiq/core/ai/resolve";
import type { RagAi } from "@helperiq/core/rag/index";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/**
 * The effective AI settings the knowledge base uses for a request (core/ai/resolve.ts): the inbox's
 * override, else the workspace's settings, else the local provider.
 */
export async function ragAiFor(c: Context<AppEnv>, inboxId: number | undefined): Promise<RagAi> {
  const { database, secrets, ai } = c.get("deps");
  return resolveAi({ db: database.db, tenantId: c.get("tenant").id }, { secrets, ai }, { inboxId });
}
