import { suspensionMessage } from "@helperiq/core/tenant/suspension";
import type { ApiGatewayRealtime } from "@helperiq/adapters/realtime/apigw";
import type { ConnectionRegistry } from "@helperiq/adapters/realtime/registry";
import { SESSION_COOKIE } from "@helperiq/api/middleware/cookies";
import type { Clock, Db } from "@helperiq/core/port/index";
import {
  authenticateAgent,
  authenticateVisitor,
  resolveHandshakeTenant,
  visitorToken,
  type Handshake,
  type HandshakeConfig,
  type VerifyVisitor,
} from "@helperiq/core/realtime/identify";
import { handshakeDialect } from "@helperiq/core/realtime/dialect";
import type { TenantRouting } from "@helperiq/core/tenant/index";

/** The API Gateway WebSocket proxy event (the fields HelperIQ reads). */
export type WsEvent = {
  requestContext: { connectionId: string; routeKey: string; eventType?: string };
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
};

export type WsResult = { statusCode: number; body?: string; headers?: Record<string, string> };

export type WsDeps = {
  db: Db;
  clock: Clock;
  registry: ConnectionRegistry;
  realtime: ApiGatewayRealtime;
  tenantRouting: TenantRouting;
  trustForwardedHost: boolean;
  verifyVisitor?: VerifyVisitor | undefined;
};

/** Container-level deps, built on the first invocation; a failure is retried on the next. */
export function lazyDeps(build: () => WsDeps | Promise<WsDeps>): () => Promise<WsDeps> {
  let deps: Promise<WsDeps> | undefined;
  return () => {
    deps ??= Promise.resolve()
      .then(build)
      .catch((err) => {
        deps = undefined;
        throw err;
      });
    return deps;
  };
}

const json = (statusCode: number, message: string, type: string): WsResult => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ data: { message, type } }),
});

function handshakeOf(event: WsEvent): Handshake {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const query: Record<string, string | undefined> = { ...(event.queryStringParameters ?? {}) };
  return { headers, query };
}

/**
 * `$connect`: authenticates like the embedded `/ws` and registers the connection. One WebSocket API serves
 * agents and widget visitors: a `token` (query or subprotocol) makes a visitor connection, anything else
 * must be an agent's API key or session cookie, in the dialect of its handshake. Refused: 400 (unknown
 * `dialect`), 401/403/404, and API Gateway closes the socket.
 */
export async function connect(deps: WsDeps, event: WsEvent): Promise<WsResult> {
  const h = handshakeOf(event);
  const config: HandshakeConfig = {
    tenantRouting: deps.tenantRouting,
    trustForwardedHost: deps.trustForwardedHost,
    sessionCookie: SESSION_COOKIE,
  };
  const tenant = await resolveHandshakeTenant(deps.db, h, config);
  if (!tenant) return json(404, "Workspace not found", "NotFoundError");
  if (tenant.status === "suspended") return json(403, await suspensionMessage(deps.db, tenant), "PermissionError");
  const id = event.requestContext.connectionId;
  const token = visitorToken(h);
  if (token && !h.headers.authorization) {
    const visitor = await authenticateVisitor(deps.db, tenant, h, deps.verifyVisitor, deps.clock.now());
    if (!visitor.ok)
      return json(visitor.status, visitor.message, visitor.status === 403 ? "PermissionError" : "AuthError");
    await deps.registry.register({
      id,
      tenantId: tenant.id,
      kind: "visitor",
      contactId: visitor.contactId,
      firstName: "",
    });
    const protocol = h.headers["sec-websocket-protocol"] ? { headers: { "Sec-WebSocket-Protocol": token } } : {};
    return { statusCode: 200, ...protocol };
  }
  const result = await authenticateAgent(deps.db, tenant, h, config, deps.clock.now());
  if (!result.ok) return json(result.status, result.message, result.status === 403 ? "PermissionError" : "AuthError");
  const dialect = handshakeDialect(h);
  if (typeof dialect === "object") return json(400, dialect.error, "InputError");
  await deps.registry.register({
    id,
    tenantId: tenant.id,
    kind: "agent",
    userId: result.actor.userId,
    dialect,
    firstName: result.actor.firstName,
  });
  return { statusCode: 200 };
}

export async function disconnect(deps: WsDeps, event: WsEvent): Promise<WsResult> {
  await deps.realtime.disconnect(event.requestContext.connectionId);
  return { statusCode: 200 };
}

/** `$default`: every client frame (API Gateway answers protocol pings itself). */
export async function message(deps: WsDeps, event: WsEvent): Promise<WsResult> {
  const body = event.body ?? "";
  const text = event.isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
  await deps.realtime.onFrame(event.requestContext.connectionId, text);
  return { statusCode: 200 };
}
