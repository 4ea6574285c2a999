import { suspensionMessage } from "@helperiq/core/tenant/suspension";
import { describeError } from "@helperiq/core/errors/describe";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { SESSION_COOKIE } from "@helperiq/api/middleware/cookies";
import type { Clock, Db } from "@helperiq/core/port/index";
export type { VerifyVisitor };
import {
  authenticateAgent,
  authenticateVisitor,
  resolveHandshakeTenant,
  type Handshake,
  type HandshakeConfig,
  type VerifyVisitor,
} from "@helperiq/core/realtime/identify";
import type { Hub, HubConnection } from "@helperiq/adapters/realtime/hub";
import { handshakeDialect } from "@helperiq/core/realtime/dialect";
import type { TenantRouting } from "@helperiq/core/tenant/index";

export type WebSocketOptions = {
  db: Db;
  clock: Clock;
  hub: Hub;
  tenantRouting: TenantRouting;
  trustForwardedHost: boolean;
  verifyVisitor?: VerifyVisitor | undefined;
  /** Protocol pings this often (default every 2 s); a connection that answered none for `deadAfterMs` is dropped. */
  pingEveryMs?: number;
  deadAfterMs?: number;
  log?: (line: string) => void;
};

/**
 * `GET /ws` (agents) and `GET /widget/ws` (visitors) on the embedded server's HTTP server: the upgrade is
 * authenticated before the WebSocket handshake completes, so a refused client gets a plain HTTP answer
 * (400 for an unknown `dialect`, 401, 403, 404) and never an open socket.
 */
export function attachWebSockets(server: Server, options: WebSocketOptions) {
  const { db, clock, hub } = options;
  const pingEveryMs = options.pingEveryMs ?? 2_000;
  const deadAfterMs = options.deadAfterMs ?? 10_000;
  const log = options.log ?? ((line: string) => console.error(line));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Echo a subprotocol only when the client offered one (the widget may carry its token that way).
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  });
  const config: HandshakeConfig = {
    tenantRouting: options.tenantRouting,
    trustForwardedHost: options.trustForwardedHost,
    sessionCookie: SESSION_COOKIE,
  };
  const lastPong = new WeakMap<WebSocket, number>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    upgrade(req, socket, head).catch((err) => {
      log(`[ws] upgrade failed: ${describeError(err)}`);
      refuse(socket, 500, "Unexpected error");
    });
  };

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/ws" && url.pathname !== "/widget/ws") return refuse(socket, 404, "Not found");
    const handshake = handshakeOf(req, url);
    const tenant = await resolveHandshakeTenant(db, handshake, config);
    if (!tenant) return refuse(socket, 404, "Workspace not found");
    if (tenant.status === "suspended") return refuse(socket, 403, await suspensionMessage(db, tenant));
    let attachTo: (ws: WebSocket) => HubConnection;
    if (url.pathname === "/ws") {
      const result = await authenticateAgent(db, tenant, handshake, config, clock.now());
      if (!result.ok) return refuse(socket, result.status, result.message);
      const dialect = handshakeDialect(handshake);
      if (typeof dialect === "object") return refuse(socket, 400, dialect.error);
      attachTo = (ws) => hub.attachAgent(ws, result.actor, dialect);
    } else {
      const visitor = await authenticateVisitor(db, tenant, handshake, options.verifyVisitor, clock.now());
      if (!visitor.ok) return refuse(socket, visitor.status, visitor.message);
      attachTo = (ws) => hub.attachVisitor(ws, { tenantId: tenant.id, contactId: visitor.contactId });
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = attachTo(ws);
      lastPong.set(ws, Date.now());
      ws.on("pong", () => lastPong.set(ws, Date.now()));
      ws.on("message", (data, isBinary) => {
        if (isBinary) return void ws.send(JSON.stringify({ type: "error", data: "invalid message format" }));
        void connection.receive(data.toString());
      });
      ws.on("close", () => connection.closed());
      ws.on("error", () => ws.terminate());
    });
  }

  // Keep-alive: protocol pings; a peer that stopped answering them is gone. The same beat closes the sockets of
  // workspaces suspended or deleted elsewhere (another server, the CLI against DATABASE_URL): one query, never
  // two at once.
  let sweeping = false;
  const timer = setInterval(() => {
    const now = Date.now();
    for (const ws of wss.clients) {
      if (now - (lastPong.get(ws) ?? now) > deadAfterMs) ws.terminate();
      else ws.ping();
    }
    if (sweeping || wss.clients.size === 0) return;
    sweeping = true;
    hub
      .closeInactive()
      .catch((err) => log(`[ws] inactive-workspace sweep failed: ${describeError(err)}`))
      .finally(() => (sweeping = false));
  }, pingEveryMs);
  timer.unref();

  server.on("upgrade", onUpgrade);
  return {
    async close() {
      clearInterval(timer);
      server.off("upgrade", onUpgrade);
      await hub.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function handshakeOf(req: IncomingMessage, url: URL): Handshake {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return { headers, query: Object.fromEntries(url.searchParams) };
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
};
const TYPES: Record<number, string> = {
  400: "InputError",
  401: "AuthError",
  403: "PermissionError",
  404: "NotFoundError",
  500: "GeneralError",
};

/** Answers a refused upgrade with a complete HTTP/1.1 response in the API's error envelope, then closes. */
function refuse(socket: Duplex, status: number, message: string) {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ data: { message, type: TYPES[status] ?? "GeneralError" } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n` +
      "Connection: close\r\n" +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "\r\n" +
      body,
  );
}
