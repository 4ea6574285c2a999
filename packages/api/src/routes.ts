/**
 * The routes of each endpoint family as static data, so infrastructure code can wire API Gateway routes
 * to family Lambdas without importing the apps. A test keeps this equal to the Hono apps' own routes.
 * Paths use Hono's `:param` syntax.
 */
export const FAMILY_ROUTES = {
  health: [["GET", "/health"]],
  config: [["GET", "/api/v1/config"]],
  auth: [
    ["POST", "/api/v1/auth/login"],
    ["POST", "/api/v1/auth/logout"],
    ["GET", "/logout"],
  ],
  statuses: [
    ["GET", "/api/v1/statuses"],
    ["POST", "/api/v1/statuses"],
    ["PUT", "/api/v1/statuses/:id"],
    ["PUT", "/api/v1/statuses/:id/color"],
    ["DELETE", "/api/v1/statuses/:id"],
    ["GET", "/api/v1/priorities"],
    ["GET", "/api/v1/tags"],
    ["POST", "/api/v1/tags"],
    ["POST", "/api/v1/tags/import"],
    ["GET", "/api/v1/tags/import/status"],
    ["PUT", "/api/v1/tags/:id"],
    ["DELETE", "/api/v1/tags/:id"],
  ],
  conversations: [["GET", "/api/v1/conversations/all"]],
} as const satisfies Record<string, ReadonlyArray<readonly [string, string]>>;

export type RouteFamily = keyof typeof FAMILY_ROUTES;

/** Paths answered without resolving a workspace (load-balancer health checks hit any host). */
export const TENANTLESS_PATHS = ["/health"] as const;
