import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { sessions } from "./auth.sql.ts";
import { generateToken, hashToken } from "./token.ts";

const DAY = 86_400_000;
export const SESSION_TTL_MS = 30 * DAY;
/** Sliding expiry: a session used in the second half of its life is extended to a full TTL again. */
const RENEW_WITHIN_MS = SESSION_TTL_MS / 2;

export type NewSession = { token: string; csrfToken: string; expiresAt: Date };

export async function createSession(
  db: Db,
  input: { tenantId: number; userId: number; ip?: string | null; userAgent?: string | null; now: Date },
): Promise<NewSession> {
  const token = generateToken();
  const csrfToken = generateToken();
  const expiresAt = new Date(input.now.getTime() + SESSION_TTL_MS);
  await db.insert(sessions).values({
    id: hashToken(token),
    tenantId: input.tenantId,
    userId: input.userId,
    csrfToken,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
  });
  return { token, csrfToken, expiresAt };
}

export type ValidSession = { userId: number; csrfToken: string; expiresAt: Date; renewed: boolean };

/** Returns the session when the token is live, belongs to `tenantId` and its agent may still sign in. */
export async function validateSession(
  db: Db,
  tenantId: number,
  token: string,
  now: Date,
): Promise<ValidSession | null> {
  const id = hashToken(token);
  const [row] = await db
    .select({ userId: sessions.userId, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, id),
        eq(sessions.tenantId, tenantId),
        gt(sessions.expiresAt, now),
        eq(users.enabled, true),
        eq(users.type, "agent"),
      ),
    )
    .limit(1);
  if (!row) return null;
  // A soft-deleted agent is disabled in the same statement, so `enabled` covers deletion too.
  if (row.expiresAt.getTime() - now.getTime() >= RENEW_WITHIN_MS) return { ...row, renewed: false };
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
  return { ...row, expiresAt, renewed: true };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, hashToken(token)));
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
