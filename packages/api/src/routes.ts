/**
 * The routes of each endpoint family as static data, so infrastructure code can wire API Gateway routes
 * to family Lambdas without importing the apps. A test keeps this equal to the Hono apps' own routes.
 * Paths use Hono's `:param` syntax.
 */
export const FAMILY_ROUTES = {
  health: [["GET", "/health"]],
  config: [["GET", "/api/v1/config"]],
  settings: [
    ["GET", "/api/v1/settings/general"],
    ["PUT", "/api/v1/settings/general"],
    ["GET", "/api/v1/settings/notifications/email"],
    ["PUT", "/api/v1/settings/notifications/email"],
  ],
  auth: [
    ["POST", "/api/v1/auth/login"],
    ["POST", "/api/v1/auth/logout"],
    ["GET", "/logout"],
    ["POST", "/api/v1/auth/google-mobile"],
    ["GET", "/api/v1/auth/devices"],
    ["DELETE", "/api/v1/auth/devices/:id"],
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
  oidc: [
    ["GET", "/api/v1/oidc"],
    ["POST", "/api/v1/oidc"],
    ["GET", "/api/v1/oidc/:id"],
    ["PUT", "/api/v1/oidc/:id"],
    ["DELETE", "/api/v1/oidc/:id"],
    ["GET", "/api/v1/oidc/:id/login"],
    ["GET", "/api/v1/oidc/:id/finish"],
  ],
  agents: [
    ["GET", "/api/v1/agents/me"],
    ["PUT", "/api/v1/agents/me"],
    ["GET", "/api/v1/agents/me/teams"],
    ["PUT", "/api/v1/agents/me/availability"],
    ["DELETE", "/api/v1/agents/me/avatar"],
    ["POST", "/api/v1/agents/me/push-token"],
    ["DELETE", "/api/v1/agents/me/push-token"],
    ["GET", "/api/v1/agents/compact"],
    ["GET", "/api/v1/teams/compact"],
    ["GET", "/api/v1/agents"],
    ["POST", "/api/v1/agents"],
    ["POST", "/api/v1/agents/import"],
    ["GET", "/api/v1/agents/import/status"],
    ["GET", "/api/v1/agents/:id"],
    ["PUT", "/api/v1/agents/:id"],
    ["DELETE", "/api/v1/agents/:id"],
    ["POST", "/api/v1/agents/:id/api-key"],
    ["DELETE", "/api/v1/agents/:id/api-key"],
    ["POST", "/api/v1/agents/reset-password"],
    ["POST", "/api/v1/agents/set-password"],
    ["GET", "/api/v1/teams"],
    ["POST", "/api/v1/teams"],
    ["GET", "/api/v1/teams/:id"],
    ["PUT", "/api/v1/teams/:id"],
    ["DELETE", "/api/v1/teams/:id"],
    ["GET", "/api/v1/roles"],
    ["POST", "/api/v1/roles"],
    ["GET", "/api/v1/roles/:id"],
    ["PUT", "/api/v1/roles/:id"],
    ["DELETE", "/api/v1/roles/:id"],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [string, string]>>;

export type RouteFamily = keyof typeof FAMILY_ROUTES;

/** Paths answered without resolving a workspace (load-balancer health checks hit any host). */
export const TENANTLESS_PATHS = ["/health"] as const;
