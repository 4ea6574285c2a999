// WebSocket -> TCP bridge so @neondatabase/serverless can talk to a local Postgres,
// mimicking Neon's wsproxy (`/v2?address=host:port`).
import type { IncomingMessage } from "node:http";
import { createConnection, type AddressInfo } from "node:net";
import { WebSocket, WebSocketServer, type RawData } from "ws";

// Targets are restricted to loopback so the bridge can never become an open proxy.
const ALLOWED_HOSTS: Record<string, string> = { "127.0.0.1": "127.0.0.1", localhost: "127.0.0.1" };

export interface NeonBridge {
  port: number;
  close(): Promise<void>;
}

export async function startNeonBridge(): Promise<NeonBridge> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  wss.on("connection", bridgeConnection);
  const { port } = wss.address() as AddressInfo;
  return { port, close: () => closeServer(wss) };
}

/** Points a neonConfig (the module's export or a per-client config) at the bridge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- neonConfig's static-accessor class type is awkward to mirror
export function configureNeonForBridge(neonConfig: any, bridgePort: number): void {
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.wsProxy = (host: string, port: number | string) => `127.0.0.1:${bridgePort}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  // Pipelined startup makes plain Postgres fail with "invalid frontend message type 112".
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
  neonConfig.forceDisablePgSSL = true;
}

function bridgeConnection(ws: WebSocket, req: IncomingMessage): void {
  const target = parseTarget(req.url);
  if (!target) {
    ws.close(1008, "bridge only forwards /v2?address=<loopback>:<port>");
    return;
  }
  const socket = createConnection(target);
  socket.setNoDelay(true);

  ws.on("message", (data) => socket.write(toBuffer(data)));
  // end() (not destroy()) so a trailing Terminate message still reaches the server.
  ws.on("close", () => socket.end());
  ws.on("error", () => socket.destroy());

  socket.on("data", (chunk) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(chunk);
  });
  socket.on("close", () => ws.close());
  socket.on("error", () => {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1011, "upstream error");
  });
}

function parseTarget(rawUrl: string | undefined): { host: string; port: number } | undefined {
  const url = new URL(rawUrl ?? "/", "http://bridge");
  const address = url.searchParams.get("address");
  if (url.pathname !== "/v2" || !address) return undefined;
  const sep = address.lastIndexOf(":");
  const host = ALLOWED_HOSTS[address.slice(0, sep)];
  const port = Number(address.slice(sep + 1));
  if (sep < 0 || !host || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function closeServer(wss: WebSocketServer): Promise<void> {
  // wss.close() does not end open connections; terminating them fires their 'close' -> socket.end().
  for (const client of wss.clients) client.terminate();
  return new Promise((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
}
