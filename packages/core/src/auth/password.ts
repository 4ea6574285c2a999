import { hash, verify } from "@node-rs/argon2";
import { generateToken } from "./token.ts";

// argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane): memory-hard yet cheap enough for Lambda.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 72;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password. With no stored hash (unknown user, or one who never set a password) it still
 * runs a full verification against a throw-away hash, so both failures take the same time.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword(generateToken());
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** A human-typeable generated password (used for the first admin). */
export function generatePassword(): string {
  return generateToken(15);
}
