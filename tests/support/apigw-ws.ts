import { createApiGatewayRealtime } from "@helperiq/adapters/realtime/apigw";
import { createConnectionRegistry } from "@helperiq/adapters/realtime/registry";
import { verifyWidgetSession } from "@helperiq/core/widget/session";
import type { WsDeps } from "../../functions/ws/handler.ts";
import type { ApiGatewayHarness } from "./apigw.ts";
import { BASE_DOMAIN, type TestApp } from "./app.ts";

/**
 * The Lambda WebSocket handler's deps as the deployment composes them, over the local stand-ins: the registry
 * on the harness's dynalite, frames posted to its Management API, workspaces routed by BASE_DOMAIN.
 */
export function apiGatewayWsDeps(t: TestApp, aws: ApiGatewayHarness): WsDeps {
  const registry = createConnectionRegistry({ tableName: aws.table, client: aws.dynamoClient });
  return {
    db: t.database.db,
    clock: t.clock,
    registry,
    realtime: createApiGatewayRealtime({
      db: t.database.db,
      clock: t.clock,
      registry,
      endpoint: aws.endpoint,
      client: aws.management,
      log: () => undefined,
    }),
    tenantRouting: { baseDomain: BASE_DOMAIN },
    trustForwardedHost: false,
    verifyVisitor: verifyWidgetSession,
  };
}
