import { BASE_MS, CAP_MS } from "./reconnectDelay.ts";

/** Close codes of a workspace suspended (4403) or deleted (4404): WORKSPACE_CLOSE in core/port/workspace-sockets.ts. */
export const WORKSPACE_CLOSED: ReadonlySet<number> = new Set([4403, 4404]);

/** The reconnection attempt whose delay is the cap (reconnectDelay: 1 s doubling to 30 s). */
export const SLOWEST_ATTEMPT = Math.ceil(Math.log2(CAP_MS / BASE_MS));

/**
 * What a socket's close code means for the next attempt. Closed because the workspace was suspended or deleted,
 * the handshake now answers 403/404: the app asks the API why (`workspaceClosed`), and only the slowest retries
 * follow. Any other close keeps the backoff where it was.
 */
export function afterClose(code: number, attempt: number): { attempt: number; workspaceClosed: boolean } {
  const workspaceClosed = WORKSPACE_CLOSED.has(code);
  return { attempt: workspaceClosed ? Math.max(attempt, SLOWEST_ATTEMPT) : attempt, workspaceClosed };
}
