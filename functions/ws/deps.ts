import { createConnectionRegistry } from "@helperiq/adapters/realtime/registry";
import { systemClock } from "@helperiq/core/port/index";
import { sharedDatabase } from "../database.ts";
import { cloudConfig } from "../runtime.ts";
import type { WsDeps } from "./handler.ts";
import { cloudRealtime } from "./realtime.ts";
import { verifyWidgetSession } from "@helperiq/core/widget/session";

/** The WebSocket Lambdas' composition: Neon, the Connections table (WS_TABLE), the management endpoint (WS_ENDPOINT). */
export function cloudWsDeps(env: NodeJS.ProcessEnv = process.env): WsDeps {
  if (!env.WS_TABLE) throw new Error("WS_TABLE is not set (link the Connections table, infra/realtime.ts)");
  const database = sharedDatabase();
  const realtime = cloudRealtime(database, env);
  if (!realtime) throw new Error("WS_ENDPOINT is not set (infra/realtime.ts)");
  const config = cloudConfig(env);
  return {
    db: database.db,
    clock: systemClock,
    registry: createConnectionRegistry({ tableName: env.WS_TABLE }),
    realtime,
    tenantRouting: config.tenantRouting,
    trustForwardedHost: config.trustForwardedHost,
    verifyVisitor: verifyWidgetSession,
  };
}
