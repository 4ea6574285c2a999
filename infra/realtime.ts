import { appEnvironment, LAMBDA_ESBUILD, NODE_RUNTIME } from "./lambda";

/**
 * Registry of open WebSocket connections, shared by every Lambda that pushes events: an
 * adjacency list keyed by `pk`/`sk` (per connection, per workspace's agents, per agent, per widget contact,
 * per subscribed and per viewed conversation; packages/adapters/src/realtime/registry.ts), expiring by
 * `expires_at` so connections that vanished without $disconnect age out.
 */
export const connections = new sst.aws.Dynamo("Connections", {
  fields: { pk: "string", sk: "string" },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  ttl: "expires_at",
});

/**
 * The WebSocket API of agents (`/ws` embedded) and widget visitors (`/widget/ws` embedded): one endpoint,
 * `$connect` authenticates (session cookie or API key; a widget session `token`) and registers,
 * `$disconnect` forgets, `$default` takes every client frame. API Gateway answers protocol pings itself.
 */
export const realtime = new sst.aws.ApiGatewayWebSocket("Realtime");

/** What a function needs to push to WebSocket clients (functions/ws/realtime.ts): the table and the management endpoint. */
export const realtimeLinks = [connections, realtime];

export function realtimeEnvironment(): Record<string, $util.Input<string>> {
  return { WS_TABLE: connections.name, WS_ENDPOINT: realtime.managementEndpoint };
}

for (const [route, file] of [
  ["$connect", "connect"],
  ["$disconnect", "disconnect"],
  ["$default", "default"],
] as const) {
  realtime.route(route, {
    handler: `functions/ws/${file}.handler`,
    runtime: NODE_RUNTIME,
    // The handshake's tenant, cookie and key are read like REST's (same configuration as the HTTP families).
    environment: { ...appEnvironment(realtime.url), ...realtimeEnvironment() },
    link: realtimeLinks,
    nodejs: { esbuild: LAMBDA_ESBUILD },
  });
}
