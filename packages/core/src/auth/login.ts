import { findAgentByEmail, recordSignIn } from "../agent/sign-in.ts";
import { AuthError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { verifyPassword } from "./password.ts";

const INVALID = "Invalid email or password";

/**
 * Checks an agent's email and password within one tenant. Unknown email, disabled agent and wrong
 * password all fail with the same error after the same amount of hashing work.
 */
export async function authenticateAgent(
  db: Db,
  tenantId: number,
  email: string,
  password: string,
  now: Date,
): Promise<number> {
  const user = await findAgentByEmail(db, tenantId, email);
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!ok || !user?.enabled) throw new AuthError(INVALID);
  await recordSignIn(db, user.id, now);
  return user.id;
}
