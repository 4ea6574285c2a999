import { decodeJwt, jwtVerify } from "jose";
import { findAgentByEmail, recordSignIn } from "../agent/sign-in.ts";
import { AuthError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { issueApiKey } from "./api-key.ts";
import { remoteKeySet } from "./jwks.ts";

export type GoogleSettings = { clientIds: string[]; jwksUrl: string };

const GOOGLE_ISSUERS = ["https://accounts.google.com", "accounts.google.com"];
const DEFAULT_DEVICE_NAME = "Mobile device";

/** Every refusal answers the same; `reason` is for the log only, so a caller learns nothing from it. */
export class GoogleSignInRefused extends AuthError {
  constructor(readonly reason: string) {
    super("Google sign-in failed");
  }
}

/** The verified email of a Google ID token meant for one of our client ids. */
export async function verifyGoogleIdToken(idToken: string, google: GoogleSettings, now: Date): Promise<string> {
  if (google.clientIds.length === 0) throw new GoogleSignInRefused("no Google client ids are configured");
  const { payload } = await jwtVerify(idToken, remoteKeySet(google.jwksUrl), {
    issuer: GOOGLE_ISSUERS,
    audience: google.clientIds,
    algorithms: ["RS256"],
    currentDate: now,
  }).catch((err: unknown) => {
    // Includes an unreachable JWKS endpoint: still a 401 to the caller, but the log says which.
    throw new GoogleSignInRefused(`verification failed: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (payload.email_verified !== true) throw new GoogleSignInRefused("email not verified");
  if (typeof payload.email !== "string" || !payload.email) throw new GoogleSignInRefused("no email in token");
  return payload.email;
}

/**
 * The email a Google ID token claims, read without verifying it: only to count sign-in attempts per
 * account before the (network-bound) verification. Null for anything that is not a JWT with an email.
 */
export function claimedGoogleEmail(idToken: string): string | null {
  try {
    const { email } = decodeJwt(idToken);
    return typeof email === "string" && email ? email : null;
  } catch {
    return null;
  }
}

export type GoogleSignIn = {
  user: { id: number; email: string; firstName: string };
  apiKey: string;
};

/**
 * Signs an existing, enabled agent of `tenantId` in with a Google ID token and issues a key for this
 * device alone: device keys never revoke each other, so each can be revoked on its own.
 */
export async function signInWithGoogle(
  db: Db,
  input: { tenantId: number; idToken: string; deviceName?: string | undefined; google: GoogleSettings; now: Date },
): Promise<GoogleSignIn> {
  const email = await verifyGoogleIdToken(input.idToken, input.google, input.now);
  const agent = await findAgentByEmail(db, input.tenantId, email);
  if (!agent?.enabled) throw new GoogleSignInRefused("no enabled agent of this workspace has that email");
  await recordSignIn(db, agent.id, input.now);
  const key = await issueApiKey(db, {
    tenantId: input.tenantId,
    userId: agent.id,
    kind: "device",
    name: input.deviceName || DEFAULT_DEVICE_NAME,
    now: input.now,
  });
  return { user: { id: agent.id, email: agent.email ?? email, firstName: agent.firstName }, apiKey: key.key };
}
