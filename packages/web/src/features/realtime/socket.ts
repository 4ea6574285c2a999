import type { ClientFrame } from "../../api/realtime.ts";
import { afterClose } from "./closeCodes.ts";
import { reconnectDelay } from "./reconnectDelay.ts";

/**
 * - `idle`: not started, or stopped (signed out).
 * - `connecting`: the first connection of this start, not open yet.
 * - `open`: connected.
 * - `reconnecting`: lost (or never made) and retrying with backoff, or waiting for the network to return.
 */
export type SocketState = "idle" | "connecting" | "open" | "reconnecting";

export type SocketHooks = {
  state(state: SocketState): void;
  /** One server frame, parsed (`pong` and unparsable text are dropped here). */
  frame(type: string, data: unknown): void;
  /** Each time the socket opens; `again` after a loss, when the app must catch up on what it missed. */
  opened(again: boolean): void;
  /** An attempt closed before opening while the network is up: maybe the session ended (the caller checks). */
  refused(): void;
};

/** What the socket needs of its environment; the browser's by default, fakes in unit tests. */
export type SocketEnv = {
  WebSocket: { new (url: string): WebSocket };
  online: () => boolean;
  /** Subscribes to the browser's online/offline changes; returns the unsubscribe. */
  watchNetwork: (changed: (online: boolean) => void) => () => void;
  random: () => number;
};

const browserEnv = (): SocketEnv => ({
  WebSocket: window.WebSocket,
  online: () => navigator.onLine,
  watchNetwork(changed) {
    const up = () => changed(true);
    const down = () => changed(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
    };
  },
  random: Math.random,
});

/** The app says `ping` this often; the server answers `pong`, so an open socket is never silent longer. */
export const HEARTBEAT_MS = 20_000;
/** Nothing at all received for this long: the connection is dead even if the browser has not noticed. */
export const SILENT_MS = 45_000;
/** Backoff restarts from its first step only once a connection has stayed open this long (not on a flapping one). */
export const STABLE_MS = 10_000;

/**
 * One agent WebSocket that stays connected until stopped: on a loss it retries with exponential backoff
 * and jitter (reconnectDelay), at once when the browser says the network came back, and not at all while
 * it says the network is down (each attempt would only fail). Frames sent while not open are dropped, not
 * queued: what a connection announces (subscription, viewing) is the caller's state, re-sent on `opened`.
 */
export class RealtimeSocket {
  private ws: WebSocket | null = null;
  private current: SocketState = "idle";
  private attempt = 0;
  private everOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = 0;
  private unwatchNetwork: (() => void) | undefined;
  private readonly env: SocketEnv;

  constructor(
    private readonly url: () => string,
    private readonly hooks: SocketHooks,
    env?: SocketEnv,
  ) {
    this.env = env ?? browserEnv();
  }

  get state(): SocketState {
    return this.current;
  }

  start() {
    if (this.current !== "idle") return;
    this.everOpened = false;
    this.attempt = 0;
    this.unwatchNetwork = this.env.watchNetwork((online) => (online ? this.retryNow() : this.lost()));
    this.setState("connecting");
    if (this.env.online()) this.connect();
    else this.setState("reconnecting");
  }

  stop() {
    this.unwatchNetwork?.();
    this.unwatchNetwork = undefined;
    this.clearTimers();
    this.drop();
    this.setState("idle");
  }

  /** Sends a frame if the socket is open; false when it is not (the frame is not kept). */
  send(frame: ClientFrame | "ping"): boolean {
    if (this.current !== "open" || !this.ws) return false;
    this.ws.send(frame === "ping" ? "ping" : JSON.stringify(frame));
    return true;
  }

  private setState(state: SocketState) {
    if (state === this.current) return;
    this.current = state;
    this.hooks.state(state);
  }

  private connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const ws = new this.env.WebSocket(this.url());
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      const again = this.everOpened;
      this.everOpened = true;
      this.lastHeard = Date.now();
      this.stableTimer = setTimeout(() => (this.attempt = 0), STABLE_MS);
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
      this.setState("open");
      this.hooks.opened(again);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      if (typeof event.data !== "string" || event.data === "pong") return;
      let frame: { type?: unknown; data?: unknown };
      try {
        frame = JSON.parse(event.data) as typeof frame;
      } catch {
        return;
      }
      if (typeof frame?.type === "string") this.hooks.frame(frame.type, frame.data);
    };
    // The browser reports a failed handshake or a drop as error then close: close alone decides.
    ws.onerror = () => undefined;
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      // A suspended or deleted workspace (closeCodes.ts): the app checks why, the retries slow down at once.
      const next = afterClose(event.code, this.attempt);
      this.attempt = next.attempt;
      if ((!opened || next.workspaceClosed) && this.env.online()) this.hooks.refused();
      this.lost();
    };
  }

  private beat() {
    if (Date.now() - this.lastHeard > SILENT_MS) return this.lost();
    this.send("ping");
  }

  /** The connection is gone (or must be given up): retry later, or when the network returns. */
  private lost() {
    if (this.current === "idle") return;
    this.clearTimers();
    this.drop();
    this.setState("reconnecting");
    if (!this.env.online()) return; // the `online` event retries
    this.retryTimer = setTimeout(() => this.connect(), reconnectDelay(this.attempt++, this.env.random));
  }

  private retryNow() {
    if (this.current === "idle" || this.current === "open") return;
    if (this.ws && this.ws.readyState === this.ws.CONNECTING) return; // an attempt is under way
    this.clearTimers();
    this.drop();
    this.attempt = 0;
    this.connect();
  }

  private drop() {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onmessage = ws.onerror = ws.onclose = null;
    // Closing a socket still connecting makes the browser log an error: let it open, then close it.
    if (ws.readyState === ws.CONNECTING) ws.onopen = () => ws.close(1000);
    else {
      ws.onopen = null;
      if (ws.readyState === ws.OPEN) ws.close(1000);
    }
  }

  private clearTimers() {
    clearTimeout(this.retryTimer);
    clearTimeout(this.stableTimer);
    clearInterval(this.heartbeat);
    this.retryTimer = this.stableTimer = this.heartbeat = undefined;
  }
}
