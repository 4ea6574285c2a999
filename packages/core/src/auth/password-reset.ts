import { and, eq, gt, isNull } from "drizzle-orm";
import { findAgentByEmail } from "../agent/sign-in.ts";
import { InputError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { passwordTokens } from "./auth.sql.ts";
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password.ts";
import { deleteUserSessions } from "./session.ts";
import { generateToken, hashToken } from "./token.ts";

export const PASSWORD_RESET_TTL_MS = 60 * 60_000;

const INVALID_TOKEN = "token: invalid or expired; request a new password reset link";

export type IssuedPasswordToken = { token: string; expiresAt: Date };

function newToken(now: Date, ttlMs: number) {
  const token = generateToken();
  return { token, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + ttlMs) };
}

/** Stores the hash of a new single-use set-password token for an agent; the plaintext goes into a link, once. */
export async function issuePasswordToken(
  db: Db,
  input: { tenantId: number; userId: number; now: Date; ttlMs?: number },
): Promise<IssuedPasswordToken> {
  const { token, tokenHash, expiresAt } = newToken(input.now, input.ttlMs ?? PASSWORD_RESET_TTL_MS);
  await db.insert(passwordTokens).values({ tenantId: input.tenantId, userId: input.userId, tokenHash, expiresAt });
  return { token, expiresAt };
}

export type PasswordResetGrant = IssuedPasswordToken & { email: string; firstName: string };

/**
 * Issues a reset token for an enabled agent of the workspace with this email, or returns null. The token is
 * made and the agent looked up either way, so an unknown email costs about the same as a known one.
 */
export async function requestPasswordReset(
  db: Db,
  input: { tenantId: number; email: string; now: Date },
): Promise<PasswordResetGrant | null> {
  const { token, tokenHash, expiresAt } = newToken(input.now, PASSWORD_RESET_TTL_MS);
  const agent = await findAgentByEmail(db, input.tenantId, input.email);
  if (!agent?.email || !agent.enabled) return null;
  await db.insert(passwordTokens).values({ tenantId: input.tenantId, userId: agent.id, tokenHash, expiresAt });
  return { token, expiresAt, email: agent.email, firstName: agent.firstName };
}

/**
 * Sets an agent's password with a live token of this workspace. The token is claimed, the password stored,
 * every other outstanding token of the agent spent and all their sessions ended in one transaction; API
 * keys stay. Any unusable token is `400 InputError` naming `token`.
 */
export async function completePasswordReset(
  db: Db,
  input: { tenantId: number; token: string; password: string; now: Date },
): Promise<{ userId: number }> {
  const { tenantId, now, password } = input;
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InputError(`password: must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  const live = and(
    eq(passwordTokens.tokenHash, hashToken(input.token)),
    eq(passwordTokens.tenantId, tenantId),
    isNull(passwordTokens.usedAt),
    gt(passwordTokens.expiresAt, now),
  );
  // Checked before hashing, so a guessed token costs no argon2 work, and hashed before the transaction,
  // so the slow hash holds no locks.
  const [candidate] = await db.select({ id: passwordTokens.id }).from(passwordTokens).where(live).limit(1);
  if (!candidate) throw new InputError(INVALID_TOKEN);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Conditional on the token still being unused: of two concurrent uses only one claims the row.
    const [claimed] = await tx
      .update(passwordTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordTokens.id, candidate.id), live))
      .returning({ userId: passwordTokens.userId });
    if (!claimed) throw new InputError(INVALID_TOKEN);
    const [agent] = await tx
      .update(users)
      .set({ passwordHash, updatedAt: now })
      .where(
        and(
          eq(users.id, claimed.userId),
          eq(users.tenantId, tenantId),
          eq(users.type, "agent"),
          eq(users.enabled, true),
          isNull(users.deletedAt),
        ),
      )
      .returning({ id: users.id });
    if (!agent) throw new InputError(INVALID_TOKEN);
    await tx
      .update(passwordTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordTokens.userId, agent.id), isNull(passwordTokens.usedAt)));
    await deleteUserSessions(tx, agent.id);
    return { userId: agent.id };
  });
}
