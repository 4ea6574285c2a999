import { loadAgentActor } from "../agent/actor.ts";
import { validateApiKey } from "../auth/api-key.ts";
import { validateSession } from "../auth/session.ts";
import type { AgentActor } from "../context/index.ts";
import type { Db } from "../port/database.ts";
import { resolveTenantByHost, type TenantRef, type TenantRouting } from "../tenant/resolve.ts";
import { and, eq } from "drizzle-orm";
import { inboxes } from "../inbox/inbox.sql.ts";
import { normalizeLivechatConfig } from "../inbox/livechat-config.ts";
import { originAllowed, pageOrigin } from "../widget/origin.ts";

/** The handshake of a WebSocket (embedded upgrade request or API Gateway `$connect`), headers lower-cased. */
export type Handshake = {
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
};

export type HandshakeConfig = { tenantRouting: TenantRouting; trustForwardedHost: boolean; sessionCookie: string };

/** The host the client addressed, read like the REST tenant middleware (X-Forwarded-Host only behind a trusted proxy). */
export function handshakeHost(h: Handshake, trustForwardedHost: boolean): string {
  const forwarded = trustForwardedHost ? h.headers["x-forwarded-host"]?.split(",")[0]?.trim() : undefined;
  return forwarded || h.headers.host || "";
}

export const resolveHandshakeTenant = (db: Db, h: Handshake, config: HandshakeConfig) =>
  resolveTenantByHost(db, handshakeHost(h, config.trustForwardedHost), config.tenantRouting);

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export type AgentHandshake = { ok: true; actor: AgentActor } | { ok: false; status: 401 | 403; message: string };

/**
 * Authenticates an agent WebSocket like REST: `Authorization: Bearer lk_…` (bound to its workspace) or the
 * session cookie. No CSRF token exists for a handshake, so a cookie-authenticated one must come from a page
 * of the workspace itself: a browser always sends `Origin` on WebSocket handshakes, and a foreign one is
 * refused (cross-site WebSocket hijacking). Clients that are not browsers send no Origin.
 */
export async function authenticateAgent(
  db: Db,
  tenant: TenantRef,
  h: Handshake,
  config: HandshakeConfig,
  now: Date,
): Promise<AgentHandshake> {
  const denied = { ok: false, status: 401, message: "Authentication required" } as const;
  const authorization = h.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const key = match ? await validateApiKey(db, match[1]!, now) : null;
    if (!key || key.tenantId !== tenant.id) return denied;
    const actor = await loadAgentActor(db, tenant.id, key.userId, "api_key");
    return actor ? { ok: true, actor } : denied;
  }
  const token = cookieValue(h.headers.cookie, config.sessionCookie);
  if (!token) return denied;
  const origin = h.headers.origin;
  if (origin !== undefined && !sameHost(origin, handshakeHost(h, config.trustForwardedHost))) {
    return { ok: false, status: 403, message: "Cross-origin WebSocket refused" };
  }
  const session = await validateSession(db, tenant.id, token, now);
  if (!session) return denied;
  const actor = await loadAgentActor(db, tenant.id, session.userId, "session");
  return actor ? { ok: true, actor } : denied;
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Verifies a widget session token for a workspace: the visitor's contact, or null. The widget API issues the
 * token (`conversations/init`, `auth/exchange`); a `/widget/ws` client sends it as the `token` query
 * parameter or as its WebSocket subprotocol.
 */
export type VerifyVisitor = (
  db: Db,
  tenantId: number,
  token: string,
  now: Date,
) => Promise<{ contactId: number; inboxId: number } | null>;

export type VisitorHandshake = { ok: true; contactId: number } | { ok: false; status: 401 | 403; message: string };

/**
 * Authenticates a `/widget/ws` visitor by their widget session token, then applies the REST rule of the
 * widget API: the page (`Origin`, which browsers always send on a WebSocket handshake) must be one of the
 * inbox's `allowed_domains`, so another site cannot open a visitor's socket.
 */
export async function authenticateVisitor(
  db: Db,
  tenant: TenantRef,
  h: Handshake,
  verify: VerifyVisitor | undefined,
  now: Date,
): Promise<VisitorHandshake> {
  const token = visitorToken(h);
  const visitor = token && verify ? await verify(db, tenant.id, token, now) : null;
  if (!visitor) return { ok: false, status: 401, message: "Widget session required" };
  const [inbox] = await db
    .select({ config: inboxes.config })
    .from(inboxes)
    .where(and(eq(inboxes.tenantId, tenant.id), eq(inboxes.id, visitor.inboxId)));
  if (
    !inbox ||
    !originAllowed(normalizeLivechatConfig(inbox.config).allowed_domains, pageOrigin(h.headers.origin, undefined))
  ) {
    return { ok: false, status: 403, message: "This site may not use the inbox's widget" };
  }
  return { ok: true, contactId: visitor.contactId };
}

/** The widget session token of a visitor's handshake: `?token=` or the first offered subprotocol. */
export function visitorToken(h: Handshake): string | undefined {
  return h.query.token || h.headers["sec-websocket-protocol"]?.split(",")[0]?.trim() || undefined;
}
