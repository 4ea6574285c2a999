import { encodeBase64 } from "@oslojs/encoding";
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client } from "arctic";
import { z } from "zod";
import { findAgentByEmail, recordSignIn } from "../agent/sign-in.ts";
import { createSession, type NewSession } from "../auth/session.ts";
import { generateToken, safeEqual } from "../auth/token.ts";
import { seal, unseal, type Keyring } from "../crypto/secret-box.ts";
import { AuthError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import type { Outbound } from "../port/outbound.ts";
import { discoverProvider, PROVIDER_TIMEOUT_MS, providerUnreachable } from "./discovery.ts";
import { verifyIdToken } from "./id-token.ts";
import { loadSsoProvider, type SsoProvider } from "./provider.ts";

export const OIDC_SCOPES = ["openid", "email", "profile"];
/** How long a browser has to come back from the provider. */
export const OIDC_LOGIN_TTL_MS = 10 * 60_000;

/** What a browser carries (sealed) between `login` and `finish`; nothing of it is stored server-side. */
const pendingLogin = z.object({
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  providerId: z.number(),
  tenantId: z.number(),
  createdAt: z.number(),
});
export type PendingOidcLogin = z.infer<typeof pendingLogin>;

export function sealPendingLogin(secrets: Keyring, pending: PendingOidcLogin): string {
  return seal(secrets, JSON.stringify(pending));
}

/** The pending login, or null for anything not sealed by us (forged, truncated, or under a retired key). */
export function openPendingLogin(secrets: Keyring, sealed: string | undefined): PendingOidcLogin | null {
  if (!sealed) return null;
  try {
    const parsed = pendingLogin.safeParse(JSON.parse(unseal(secrets, sealed)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * What a sign-in runs with. Every call to the provider (discovery, code exchange, keys) goes through
 * `outbound`: the provider's URL, and the endpoints it names, are a workspace's configuration.
 */
export type OidcDeps = { db: Db; secrets: Keyring; outbound: Outbound };

/** Where the provider sends the browser back: the same for `login` and `finish`, or the code exchange fails. */
export type OidcLoginTarget = { tenantId: number; providerId: number; redirectUri: string; now: Date };

const clientFor = (provider: SsoProvider, redirectUri: string) =>
  new OAuth2Client(provider.clientId, provider.clientSecret, redirectUri);

/** Starts a sign-in: the provider's authorization URL (code flow, PKCE S256, state, nonce) and what to keep. */
export async function beginOidcLogin({ db, secrets, outbound }: OidcDeps, target: OidcLoginTarget) {
  const provider = await loadSsoProvider(db, secrets, target.tenantId, target.providerId);
  const endpoints = await discoverProvider(outbound, provider.providerUrl);
  const pending: PendingOidcLogin = {
    state: generateState(),
    nonce: generateToken(),
    codeVerifier: generateCodeVerifier(),
    providerId: provider.id,
    tenantId: target.tenantId,
    createdAt: target.now.getTime(),
  };
  const url = clientFor(provider, target.redirectUri).createAuthorizationURLWithPKCE(
    endpoints.authorizationEndpoint,
    pending.state,
    CodeChallengeMethod.S256,
    pending.codeVerifier,
    OIDC_SCOPES,
  );
  url.searchParams.set("nonce", pending.nonce);
  return { authorizationUrl: url.href, pending };
}

export type OidcCallback = OidcLoginTarget & {
  pending: PendingOidcLogin | null;
  /** The callback's query parameters, as the provider (or whoever crafted the link) sent them. */
  query: { state?: string | undefined; code?: string | undefined; error?: string | undefined };
  ip: string | null;
  userAgent: string | null;
};

/**
 * Completes a sign-in: checks the browser's pending login against the callback, exchanges the code,
 * verifies the ID token and opens a session for the existing, enabled agent with that email. Agents
 * are never created here.
 */
export async function finishOidcLogin(
  { db, secrets, outbound }: OidcDeps,
  callback: OidcCallback,
): Promise<NewSession> {
  const provider = await loadSsoProvider(db, secrets, callback.tenantId, callback.providerId);
  const pending = checkPendingLogin(callback);
  if (callback.query.error) throw new AuthError("The sign-in provider did not sign you in");
  if (!callback.query.code) throw new AuthError("The sign-in provider sent no authorization code");
  const endpoints = await discoverProvider(outbound, provider.providerUrl);
  const idToken = await exchangeCode(
    outbound,
    provider,
    callback.redirectUri,
    endpoints.tokenEndpoint,
    callback.query.code,
    pending,
  );
  const email = await verifyIdToken(outbound, idToken, {
    jwksUri: endpoints.jwksUri,
    issuer: endpoints.issuer,
    clientId: provider.clientId,
    nonce: pending.nonce,
    now: callback.now,
  });
  const userId = await findSignInAgent(db, callback.tenantId, email);
  await recordSignIn(db, userId, callback.now);
  return createSession(db, {
    tenantId: callback.tenantId,
    userId,
    ip: callback.ip,
    userAgent: callback.userAgent,
    now: callback.now,
  });
}

function checkPendingLogin({ pending, tenantId, providerId, query, now }: OidcCallback): PendingOidcLogin {
  if (!pending || pending.tenantId !== tenantId || pending.providerId !== providerId) {
    throw new AuthError("This sign-in was not started here; please sign in again");
  }
  const age = now.getTime() - pending.createdAt;
  if (age < 0 || age > OIDC_LOGIN_TTL_MS) throw new AuthError("This sign-in has expired; please sign in again");
  if (!query.state || !safeEqual(query.state, pending.state)) {
    throw new AuthError("The sign-in state does not match; please sign in again");
  }
  return pending;
}

/**
 * The authorization code exchange (RFC 6749 §4.1.3 with PKCE, RFC 7636), authenticating the client with
 * HTTP Basic as arctic's OAuth2Client does; the ID token of the answer. 400 and 401 are the provider
 * refusing the code (invalid_grant: used, expired or forged, or a code_verifier that does not match).
 */
async function exchangeCode(
  outbound: Outbound,
  provider: SsoProvider,
  redirectUri: string,
  tokenEndpoint: string,
  code: string,
  pending: PendingOidcLogin,
): Promise<string> {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    code_verifier: pending.codeVerifier,
  });
  let res: Response;
  let answer: unknown;
  try {
    res = await outbound.request(tokenEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        authorization: `Basic ${encodeBase64(new TextEncoder().encode(`${provider.clientId}:${provider.clientSecret}`))}`,
      },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    answer = res.status === 200 ? await res.json() : await res.body?.cancel();
  } catch (err) {
    throw providerUnreachable(err);
  }
  if (res.status === 400 || res.status === 401)
    throw new AuthError("The sign-in provider rejected the authorization code");
  if (res.status !== 200) throw new AuthError("The sign-in provider could not be reached");
  const idToken = (answer as { id_token?: unknown } | null)?.id_token;
  if (typeof idToken !== "string" || idToken === "") throw new AuthError("The sign-in provider sent no ID token");
  return idToken;
}

/** The enabled agent of `tenantId` with this email; OIDC never creates agents. */
async function findSignInAgent(db: Db, tenantId: number, email: string): Promise<number> {
  const agent = await findAgentByEmail(db, tenantId, email);
  if (!agent?.enabled) throw new AuthError("Your account at the sign-in provider is not an agent of this workspace");
  return agent.id;
}
