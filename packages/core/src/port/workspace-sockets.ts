/**
 * The live WebSocket connections of a workspace, wherever the runtime keeps them (the embedded hub's table,
 * the AWS connections registry). Closing forgets their registrations too, so nothing of the workspace stays
 * reachable through realtime.
 */
export interface WorkspaceSockets {
  /** Closes every connection of workspace `tenantId` with `reason` and forgets it; returns how many. */
  closeWorkspace(tenantId: number, reason: string): Promise<number>;
}
