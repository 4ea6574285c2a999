import { and, asc, eq, isNull } from "drizzle-orm";
import type { AgentActor, Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { NotFoundError } from "../errors/index.ts";
import { apiKeys } from "./auth.sql.ts";

/** A device key as its owner sees it: enough to tell devices apart, never the key or its hash. */
export type DeviceKeyView = {
  id: number;
  name: string;
  prefix: string;
  created_at: string | null;
  last_used_at: string | null;
};

function agentOf(ctx: Ctx): AgentActor {
  if (ctx.actor.type !== "agent") throw new NotFoundError("Device");
  return ctx.actor;
}

/** The live device keys of the calling agent (Google mobile sign-ins), oldest first. */
export async function listDeviceKeys(ctx: Ctx): Promise<DeviceKeyView[]> {
  const rows = await ctx.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(ownLiveDeviceKeys(ctx))
    .orderBy(asc(apiKeys.id));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    created_at: iso(r.createdAt),
    last_used_at: iso(r.lastUsedAt),
  }));
}

/** Revokes one of the calling agent's device keys; anyone else's key, or one already revoked, is not found. */
export async function revokeDeviceKey(ctx: Ctx, id: number): Promise<void> {
  const revoked = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(apiKeys.id, id), ownLiveDeviceKeys(ctx)))
    .returning({ id: apiKeys.id });
  if (revoked.length === 0) throw new NotFoundError("Device");
}

function ownLiveDeviceKeys(ctx: Ctx) {
  return and(
    eq(apiKeys.tenantId, ctx.tenantId),
    eq(apiKeys.userId, agentOf(ctx).userId),
    eq(apiKeys.kind, "device"),
    isNull(apiKeys.revokedAt),
  );
}
