import { jwtVerify, type JWTPayload } from "jose";
import { remoteKeySet } from "../auth/jwks.ts";
import { safeEqual } from "../auth/token.ts";
import { AuthError } from "../errors/index.ts";
import { OutboundRefusedError, type Outbound } from "../port/outbound.ts";
import { PROVIDER_TIMEOUT_MS, providerUnreachable } from "./discovery.ts";

/** Signatures by the provider's published (asymmetric) keys only; never a MAC or `none`. */
const ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

export type IdTokenExpectations = { jwksUri: string; issuer: string; clientId: string; nonce: string; now: Date };

/**
 * Verifies an ID token (signature against the provider's keys, `iss`, `aud`, expiry, `nonce`) and returns
 * the email it vouches for. An email the provider does not say it verified (false or absent) is refused:
 * it would let anyone who can register that address at the provider sign in as the agent. The keys are
 * fetched through the outbound guard (the key URL comes from the workspace's provider).
 */
export async function verifyIdToken(
  outbound: Outbound,
  idToken: string,
  expected: IdTokenExpectations,
): Promise<string> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(
      idToken,
      remoteKeySet(expected.jwksUri, PROVIDER_TIMEOUT_MS, outbound.request),
      {
        issuer: expected.issuer,
        audience: expected.clientId,
        algorithms: ID_TOKEN_ALGORITHMS,
        requiredClaims: ["sub", "exp", "iat", "nonce"],
        currentDate: expected.now,
        clockTolerance: 60,
      },
    ));
  } catch (err) {
    if (err instanceof OutboundRefusedError) throw providerUnreachable(err);
    throw new AuthError("The sign-in provider's ID token could not be verified");
  }
  if (typeof claims.nonce !== "string" || !safeEqual(claims.nonce, expected.nonce)) {
    throw new AuthError("The ID token belongs to another sign-in");
  }
  // OpenID Connect Core §3.1.3.7: with several audiences, the token must have been issued to us.
  if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== expected.clientId) {
    throw new AuthError("The ID token was issued to another client");
  }
  if (typeof claims.email !== "string" || claims.email === "") {
    throw new AuthError("The sign-in provider did not share an email address");
  }
  if (claims.email_verified !== true) throw new AuthError("The sign-in provider has not verified this email address");
  return claims.email;
}
