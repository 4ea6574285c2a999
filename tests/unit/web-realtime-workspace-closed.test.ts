import { describe, expect, it } from "vitest";
import { WORKSPACE_CLOSE } from "@helperiq/core/port/workspace-sockets";
import { afterClose, WORKSPACE_CLOSED } from "../../packages/web/src/features/realtime/closeCodes.ts";
import { CAP_MS, reconnectDelay } from "../../packages/web/src/features/realtime/reconnectDelay.ts";

/**
 * The agent app's socket closed because its workspace was suspended (4403) or deleted (4404)
 * (packages/web/src/features/realtime/socket.ts applies afterClose): the app asks the API why, and the next
 * attempt waits the slowest step, not a second; any other loss keeps its backoff.
 */
describe("a socket closed for the workspace's suspension or deletion", () => {
  it("knows the server's codes", () => {
    expect([...WORKSPACE_CLOSED].sort()).toEqual([WORKSPACE_CLOSE.suspended.code, WORKSPACE_CLOSE.deleted.code].sort());
  });

  for (const code of [4403, 4404])
    it(`${code}: the app checks why, and the next retry comes after half the cap at the soonest`, () => {
      for (const attempt of [0, 1, 7]) {
        const next = afterClose(code, attempt);
        expect(next.workspaceClosed).toBe(true);
        expect(reconnectDelay(next.attempt, () => 0)).toBe(CAP_MS / 2);
        expect(reconnectDelay(next.attempt, () => 1)).toBe(CAP_MS);
      }
    });

  it("any other close keeps the backoff where it was, the app not bothered", () => {
    for (const code of [1000, 1001, 1006, 1008, 4000])
      expect(afterClose(code, 2)).toEqual({ attempt: 2, workspaceClosed: false });
    expect(reconnectDelay(afterClose(1006, 0).attempt, () => 0)).toBe(500);
  });
});
