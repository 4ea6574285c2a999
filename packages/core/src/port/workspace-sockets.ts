/**
 * The live WebSocket connections of a workspace, wherever the runtime keeps them (the embedded hub's table,
 * the AWS connections registry). Closing forgets their registrations too, so nothing of the workspace stays
 * reachable through realtime.
 */
export interface WorkspaceSockets {
  /**
   * Closes every connection of workspace `tenantId` with `reason` (and close `code`, default 1008 policy
   * violation, where the runtime can send one) and forgets it; returns how many.
   */
  closeWorkspace(tenantId: number, reason: string, code?: number): Promise<number>;
}

/**
 * How a workspace's open sockets are closed when it is suspended or its deletion is accepted. Application
 * codes (4000-4999) the clients recognise: they stop reconnecting at once into the 403/404 the handshake now
 * answers. A close reason is at most 123 bytes, so the operator's suspension reason does not travel here; the
 * clients learn it from the API's 403.
 */
export const WORKSPACE_CLOSE = {
  suspended: { code: 4403, reason: "workspace suspended" },
  deleted: { code: 4404, reason: "workspace deleted" },
} as const;
