import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CAP_MS } from "../../packages/web/src/features/realtime/reconnectDelay.ts";
import { RealtimeSocket, type SocketEnv } from "../../packages/web/src/features/realtime/socket.ts";

/**
 * The agent app's socket when the server closes it because the workspace was suspended (4403) or deleted
 * (4404): the app is told to ask the API why, and the next attempt waits the slowest step, not a second.
 */

class FakeSocket {
  static made: FakeSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send() {}
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  closedByServer(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const env: SocketEnv = {
  WebSocket: FakeSocket as unknown as SocketEnv["WebSocket"],
  online: () => true,
  watchNetwork: () => () => undefined,
  random: () => 0,
};

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
});
afterEach(() => vi.useRealTimers());

function started() {
  const refused = vi.fn();
  const socket = new RealtimeSocket(
    () => "ws://acme.example/ws",
    {
      state: () => undefined,
      frame: () => undefined,
      opened: () => undefined,
      refused,
    },
    env,
  );
  socket.start();
  FakeSocket.made[0]!.open();
  return { socket, refused };
}

describe("a socket closed for the workspace's suspension or deletion", () => {
  for (const code of [4403, 4404])
    it(`${code}: asks the app to check, and retries only after the slowest step`, () => {
      const { socket, refused } = started();
      FakeSocket.made[0]!.closedByServer(code);
      expect(refused).toHaveBeenCalledTimes(1);
      expect(socket.state).toBe("reconnecting");
      vi.advanceTimersByTime(CAP_MS / 2 - 1);
      expect(FakeSocket.made).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.made).toHaveLength(2);
      socket.stop();
    });

  it("any other loss of an open socket retries within a second, the app not bothered", () => {
    const { socket, refused } = started();
    FakeSocket.made[0]!.closedByServer(1006);
    expect(refused).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(FakeSocket.made).toHaveLength(2);
    socket.stop();
  });
});
