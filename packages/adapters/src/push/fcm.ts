import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import type { Push, PushMessage } from "@helperiq/core/port/index";

export const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
export const DEFAULT_FCM_ENDPOINT = "https://fcm.googleapis.com";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ASSERTION_LIFETIME_S = 3600;
/** An access token is renewed this long before it expires, so none lapses in flight. */
const RENEW_BEFORE_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
// FCM's endpoint and the key file's token_uri are the operator's configuration (FCM_ENDPOINT,
// FCM_SERVICE_ACCOUNT), never a workspace's: these calls use plain fetch, not the outbound guard (net/).

/** The fields of a Google service-account key file (JSON) that FCM sending needs. */
export type FcmServiceAccount = {
  project_id: string;
  client_email: string;
  private_key: string;
  token_uri: string;
  private_key_id?: string;
};

export function parseServiceAccount(json: string): FcmServiceAccount {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error("FCM service account: not JSON (expected the service-account key file's content)");
  }
  for (const field of ["project_id", "client_email", "private_key", "token_uri"]) {
    if (typeof value[field] !== "string" || !value[field]) throw new Error(`FCM service account: ${field} is missing`);
  }
  return value as FcmServiceAccount;
}

export type FcmPushOptions = {
  serviceAccount: FcmServiceAccount;
  /** Where FCM's HTTP v1 API is served; tests point it at a local server. */
  endpoint?: string;
  /** Milliseconds since the epoch; tests move it to see the access token renewed. */
  now?: () => number;
};

/**
 * FCM HTTP v1. Authenticates as the service account (a signed JWT exchanged at its token_uri for an OAuth
 * access token, reused until shortly before it expires) and sends one message per device token.
 */
export function createFcmPush(options: FcmPushOptions): Push {
  const account = options.serviceAccount;
  const key = createPrivateKey(account.private_key);
  const now = options.now ?? Date.now;
  const endpoint = (options.endpoint ?? DEFAULT_FCM_ENDPOINT).replace(/\/+$/, "");
  const sendUrl = `${endpoint}/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`;
  let cached: { token: string; renewAt: number } | undefined;
  let renewing: Promise<string> | undefined;

  async function renew(): Promise<string> {
    const issuedAt = Math.floor(now() / 1000);
    const res = await fetch(account.token_uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: assertion(account, key, issuedAt) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!res.ok || !body.access_token) {
      throw new Error(`FCM: the token endpoint answered ${res.status}${body.error ? ` (${body.error})` : ""}`);
    }
    cached = {
      token: body.access_token,
      renewAt: issuedAt * 1000 + (body.expires_in ?? ASSERTION_LIFETIME_S) * 1000 - RENEW_BEFORE_MS,
    };
    return body.access_token;
  }

  /** Concurrent sends share one renewal. */
  function accessToken(): Promise<string> {
    if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
    renewing ??= renew().finally(() => (renewing = undefined));
    return renewing;
  }

  return {
    async send(message) {
      const res = await fetch(sendUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${await accessToken()}`, "content-type": "application/json" },
        body: JSON.stringify(fcmBody(message)),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.ok) return "ok";
      const error = await readFcmError(res);
      if (tokenIsGone(res.status, error)) return "unregistered";
      if (res.status === 401) cached = undefined; // revoked early: the retry signs in again
      throw new Error(
        `FCM answered ${res.status} ${error.errorCode ?? error.status ?? ""}: ${error.message ?? ""}`.trim(),
      );
    },
  };
}

function fcmBody(message: PushMessage) {
  return {
    message: { token: message.token, notification: { title: message.title, body: message.body }, data: message.data },
  };
}

/** RS256 JWT asserting the service account, for the OAuth 2.0 JWT-bearer grant (RFC 7523). */
function assertion(account: FcmServiceAccount, key: KeyObject, issuedAt: number): string {
  const header = { alg: "RS256", typ: "JWT", ...(account.private_key_id ? { kid: account.private_key_id } : {}) };
  const claims = {
    iss: account.client_email,
    scope: FCM_SCOPE,
    aud: account.token_uri,
    iat: issuedAt,
    exp: issuedAt + ASSERTION_LIFETIME_S,
  };
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput), key).toString("base64url")}`;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

type FcmError = { status?: string; message?: string; errorCode?: string; badField?: string };

/** Google's error envelope: `{error: {code, message, status, details: [{errorCode} | {fieldViolations}]}}`. */
async function readFcmError(res: Response): Promise<FcmError> {
  const body = (await res.json().catch(() => ({}))) as {
    error?: {
      status?: string;
      message?: string;
      details?: Array<{ errorCode?: string; fieldViolations?: Array<{ field?: string }> }>;
    };
  };
  const details = body.error?.details ?? [];
  return {
    status: body.error?.status,
    message: body.error?.message,
    errorCode: details.find((d) => d.errorCode)?.errorCode,
    badField: details.flatMap((d) => d.fieldViolations ?? []).find((v) => v.field)?.field,
  };
}

/**
 * The token will never work: unregistered (404), issued to another Firebase project (SENDER_ID_MISMATCH),
 * or not a token at all (400 on `message.token`). Any other 400 is our payload's fault and must not cost
 * the device its registration, so it throws like outages, rate limits (429) and 5xx do.
 */
function tokenIsGone(status: number, error: FcmError): boolean {
  if (status === 404 || error.errorCode === "UNREGISTERED" || error.errorCode === "SENDER_ID_MISMATCH") return true;
  return status === 400 && (error.badField === "message.token" || /registration token/i.test(error.message ?? ""));
}
