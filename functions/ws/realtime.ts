import { createApiGatewayRealtime, type ApiGatewayRealtime } from "@helperiq/adapters/realtime/apigw";
import { createConnectionRegistry } from "@helperiq/adapters/realtime/registry";
import { systemClock, type Database, type Events, type WorkspaceSockets } from "@helperiq/core/port/index";
import { parseKeyring } from "@helperiq/core/crypto/secret-box";

let shared: ApiGatewayRealtime | undefined;

/**
 * The realtime fan-out of this Lambda container (infra/realtime.ts links the Connections table and the
 * WebSocket API, through WS_TABLE and WS_ENDPOINT). A function without them cannot push: its events are
 * logged and dropped, which says what is missing instead of failing the committed change.
 */
export function cloudRealtime(
  database: Database,
  env: NodeJS.ProcessEnv = process.env,
): ApiGatewayRealtime | undefined {
  if (!env.WS_TABLE || !env.WS_ENDPOINT) return undefined;
  shared ??= createApiGatewayRealtime({
    db: database.db,
    clock: systemClock,
    registry: createConnectionRegistry({ tableName: env.WS_TABLE }),
    endpoint: env.WS_ENDPOINT,
    secrets: env.SECRET_KEYS ? parseKeyring(env.SECRET_KEYS) : undefined,
  });
  return shared;
}

export function cloudEvents(database: Database, env: NodeJS.ProcessEnv = process.env): Events {
  const realtime = cloudRealtime(database, env);
  if (realtime) return realtime.events;
  return {
    publish: async (events) => {
      if (events.length)
        console.warn(
          `[realtime] WS_TABLE/WS_ENDPOINT not set: ${events.length} event(s) not pushed (link infra/realtime.ts)`,
        );
    },
  };
}

/** A suspended, deleted or purged workspace's connections, through the registry and the management API (linked like cloudEvents). */
export function cloudSockets(database: Database, env: NodeJS.ProcessEnv = process.env): WorkspaceSockets {
  const realtime = cloudRealtime(database, env);
  if (realtime) return { closeWorkspace: (tenantId, reason, code) => realtime.closeWorkspace(tenantId, reason, code) };
  return {
    closeWorkspace: async () => {
      throw new Error("WS_TABLE/WS_ENDPOINT not set: this function cannot close WebSockets (link infra/realtime.ts)");
    },
  };
}
