/**
 * Registry of open WebSocket connections (spec §5), shared by every Lambda that pushes events: items
 * keyed by `pk`/`sk` (e.g. per connection, per tenant user, per subscribed conversation), expiring by
 * `expires_at` so connections that vanished without $disconnect age out.
 *
 * The WebSocket API itself (sst.aws.ApiGatewayWebSocket with $connect, $disconnect and $default routes
 * to functions/ws/*.ts) is declared by the realtime issue together with its handlers: an API Gateway
 * WebSocket API cannot be deployed without at least one route.
 */
export const connections = new sst.aws.Dynamo("Connections", {
  fields: { pk: "string", sk: "string" },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  ttl: "expires_at",
});
