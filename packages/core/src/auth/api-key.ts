import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { apiKeys } from "./auth.sql.ts";
import { generateToken, hashToken } from "./token.ts";

export const API_KEY_PREFIX = "lk_";
/** last_used_at is bumped at most this often, so a busy key does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export type IssuedApiKey = { id: number; key: string; prefix: string; createdAt: Date };

/** Issues a key; an admin-issued key replaces (revokes) the agent's previous admin-issued key. */
export async function issueApiKey(
  db: Db,
  input: { tenantId: number; userId: number; kind: "admin" | "device"; name?: string; now: Date },
): Promise<IssuedApiKey> {
  const key = API_KEY_PREFIX + generateToken(24);
  return db.transaction(async (tx) => {
    if (input.kind === "admin") {
      await tx
        .update(apiKeys)
        .set({ revokedAt: input.now })
        .where(and(eq(apiKeys.userId, input.userId), eq(apiKeys.kind, "admin"), isNull(apiKeys.revokedAt)));
    }
    const [row] = await tx
      .insert(apiKeys)
      .values({
        tenantId: input.tenantId,
        userId: input.userId,
        kind: input.kind,
        name: input.name ?? "",
        prefix: key.slice(0, 10),
        keyHash: hashToken(key),
      })
      .returning({ id: apiKeys.id, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt });
    return { ...row!, key };
  });
}

export type ValidApiKey = { id: number; tenantId: number; userId: number };

/** Resolves a live key of an enabled agent; the key alone identifies the tenant. */
export async function validateApiKey(db: Db, key: string, now: Date): Promise<ValidApiKey | null> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const [row] = await db
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, userId: apiKeys.userId })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(
      and(
        eq(apiKeys.keyHash, hashToken(key)),
        isNull(apiKeys.revokedAt),
        eq(users.enabled, true),
        eq(users.type, "agent"),
      ),
    )
    .limit(1);
  if (!row) return null;
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.id, row.id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - TOUCH_EVERY_MS))),
      ),
    );
  return row;
}

export async function revokeApiKeys(db: Db, userId: number, now: Date, kind?: "admin" | "device"): Promise<number> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt), kind ? eq(apiKeys.kind, kind) : undefined))
    .returning({ id: apiKeys.id });
  return rows.length;
}
