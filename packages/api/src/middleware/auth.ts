import { loadAgentActor } from "@helperiq/core/agent/actor";
// Specific modules, not the auth index: that one pulls in argon2, which only the login route needs.
import { validateApiKey } from "@helperiq/core/auth/api-key";
import { validateSession } from "@helperiq/core/auth/session";
import { safeEqual } from "@helperiq/core/auth/token";
import type { AgentActor } from "@helperiq/core/context/index";
import { AuthError, PermissionError } from "@helperiq/core/errors/index";
import type { Permission } from "@helperiq/core/role/permissions";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { CSRF_HEADER, SESSION_COOKIE, setSessionCookies } from "./cookies.ts";
import { withMeta } from "../route-meta.ts";
import { enforceApiRate } from "./api-rate.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Requires an agent identity (API key or session cookie) of the request's workspace and, when given,
 * a permission. Cookie-authenticated writes must echo the CSRF token in X-CSRFTOKEN.
 */
export function auth(permission?: Permission) {
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    const actor = await identify(c);
    if (!actor) throw new AuthError();
    if (permission && !actor.permissions.has(permission)) throw new PermissionError();
    await enforceApiRate(c, actor);
    c.set("actor", actor);
    await next();
  });
  return withMeta(middleware, { kind: "auth", permission });
}

/** The agent a request's API key or session cookie names on this workspace, or null (no error for none). */
export async function identify(c: Context<AppEnv>): Promise<AgentActor | null> {
  const { database, clock, config } = c.get("deps");
  const tenant = c.get("tenant");
  const now = clock.now();
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const key = match ? await validateApiKey(database.db, match[1]!, now) : null;
    // A key is bound to its workspace: presenting it on another workspace's host is no identity at all.
    if (!key || key.tenantId !== tenant.id) return null;
    return loadAgentActor(database.db, tenant.id, key.userId, "api_key");
  }
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const session = await validateSession(database.db, tenant.id, token, now);
  if (!session) return null;
  requireCsrf(c, session.csrfToken);
  if (session.renewed) setSessionCookies(c, token, session.csrfToken, session.expiresAt, config.secureCookies);
  return loadAgentActor(database.db, tenant.id, session.userId, "session");
}

/** A cookie-authenticated write must echo its session's CSRF token in X-CSRFTOKEN (403 otherwise). */
export function requireCsrf(c: Context<AppEnv>, csrfToken: string) {
  if (SAFE_METHODS.has(c.req.method)) return;
  if (!safeEqual(c.req.header(CSRF_HEADER) ?? "", csrfToken))
    throw new PermissionError("CSRF token missing or invalid");
}

/** The agent of an `auth()`-guarded route. */
export function agentOf(c: Context<AppEnv>): AgentActor {
  const actor = c.get("actor");
  if (actor?.type !== "agent") throw new AuthError();
  return actor;
}
