import { createHash } from "node:crypto";
import type { Clock } from "@helperiq/core/port/clock";
import { EcommerceError, type EcommerceConnection } from "@helperiq/core/port/ecommerce";
import { readJson, send, type StoreFetch } from "./maho-http.ts";

/** Lifetime assumed when the token response names none (Maho's JWT default is one hour). */
const DEFAULT_LIFETIME_S = 3600;

type Cached = { token: string; renewAt: number };

/**
 * OAuth2 client_credentials against Maho's API Platform: `POST {api}/auth/token` with the JSON body
 * `{grant_type: "client_credentials", client_id, client_secret}` (Maho reads JSON, not a form) answering
 * `{token, token_type: "Bearer", expires_in}`; `access_token` (RFC 6749's name) is accepted too.
 *
 * Tokens are cached per workspace *and* credentials, so a changed secret or store never reuses an old
 * token, and renewed when 10% of their lifetime (at most a minute) is left. Concurrent callers share one
 * token request.
 */
export function createTokenCache(clock: Clock, fetch: StoreFetch) {
  const cache = new Map<string, Cached>();
  const pending = new Map<string, Promise<string>>();

  const keyOf = (conn: EcommerceConnection) =>
    [
      conn.tenantId,
      conn.baseUrl,
      conn.clientId,
      createHash("sha256").update(conn.clientSecret).digest("base64url"),
    ].join("\n");

  async function issue(conn: EcommerceConnection, api: string, key: string): Promise<string> {
    const res = await send(fetch, conn, `${api}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        grant_type: "client_credentials",
        client_id: conn.clientId,
        client_secret: conn.clientSecret,
      }),
    });
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const body = (await readJson(res, conn).catch(() => null)) as { error?: unknown; message?: unknown } | null;
      const detail = typeof body?.error === "string" ? ` (${body.error})` : "";
      throw new EcommerceError("bad_credentials", `The store rejected the client id or secret${detail}`);
    }
    if (res.status === 404) {
      throw new EcommerceError("bad_response", `No Maho API answers at ${api} (404): check base_url`);
    }
    if (res.status >= 500 || res.status === 429) {
      throw new EcommerceError("server_error", `The store's token endpoint answered ${res.status}`);
    }
    if (res.status !== 200 && res.status !== 201) {
      throw new EcommerceError("bad_response", `The store's token endpoint answered ${res.status}`);
    }
    const body = (await readJson(res, conn)) as Record<string, unknown> | null;
    const token = body?.token ?? body?.access_token;
    if (typeof token !== "string" || token === "") {
      throw new EcommerceError("bad_response", "The store's token response holds no token");
    }
    const lifetime = Number(body?.expires_in) > 0 ? Number(body!.expires_in) : DEFAULT_LIFETIME_S;
    const margin = Math.min(60, lifetime / 10);
    cache.set(key, { token, renewAt: clock.now().getTime() + (lifetime - margin) * 1000 });
    return token;
  }

  return {
    /** A valid token: the cached one unless it is due for renewal or `fresh` asks for a new one. */
    async get(conn: EcommerceConnection, api: string, fresh = false): Promise<string> {
      const key = keyOf(conn);
      const cached = cache.get(key);
      if (!fresh && cached && clock.now().getTime() < cached.renewAt) return cached.token;
      if (fresh) cache.delete(key);
      let request = pending.get(key);
      if (!request) {
        request = issue(conn, api, key).finally(() => pending.delete(key));
        pending.set(key, request);
      }
      return request;
    },
    /** Forgets a token the store refused, unless another caller already replaced it. */
    drop(conn: EcommerceConnection, token: string) {
      const key = keyOf(conn);
      if (cache.get(key)?.token === token) cache.delete(key);
    },
  };
}
