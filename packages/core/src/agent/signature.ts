import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { NotFoundError } from "../errors/index.ts";
import { sanitizeMessageHtml } from "../html/sanitize.ts";
import { users } from "../user/user.sql.ts";

/** Longest stored signature template (HTML). */
export const MAX_SIGNATURE_LENGTH = 10_000;

/**
 * An agent's own signature template: HTML with the reply placeholders (mail-out/signature.ts), kept in their
 * `preferences` (it is their choice, like their notification switches). "" when they have none.
 */
export function agentSignatureOf(preferences: Record<string, unknown> | null | undefined): string {
  const value = preferences?.signature;
  return typeof value === "string" ? value : "";
}

/**
 * `PUT /agents/me/signature {signature}`: stores the caller's signature template, sanitised like message
 * HTML (placeholders are text and survive); "" removes it. Returns what is stored.
 */
export async function setMySignature(ctx: Ctx, html: string): Promise<string> {
  if (ctx.actor.type !== "agent") throw new NotFoundError("Agent");
  const signature = html.trim() ? sanitizeMessageHtml(html) : "";
  await ctx.db
    .update(users)
    .set({
      // One jsonb write in the UPDATE: the other preferences (notification switches) are left as they are.
      preferences: sql`jsonb_set(${users.preferences}, '{signature}', ${JSON.stringify(signature)}::jsonb)`,
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(users.id, ctx.actor.userId), eq(users.tenantId, ctx.tenantId)));
  return signature;
}
