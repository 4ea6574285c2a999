import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@helperiq/server/config";
import { startServer, type RunningServer } from "@helperiq/server/start";
import { inject } from "vitest";
import WebSocket from "ws";
import { BASE_DOMAIN, testClock, type TestApp } from "../support/app.ts";
import { createDatabase, dropDatabase } from "../support/postgres-server.ts";

export type ServerUnderTest = {
  server: RunningServer;
  /** Enough of a TestApp for the factories and `Client`: requests go over real HTTP to the server. */
  t: TestApp;
  port: number;
  close(): Promise<void>;
};

export type SharedDb = { url?: string; dataDir?: string; drop(): Promise<void> };

/** A database for embedded servers under test: a fresh PostgreSQL database (TEST_DB=pg) or a PGlite data directory. */
export async function serverDatabase(): Promise<SharedDb> {
  const info = inject("testDb");
  if (info.kind === "pg") {
    const name = `rt_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const url = await createDatabase(info.adminUrl, name, info.template);
    return { url, drop: () => dropDatabase(info.adminUrl, name) };
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "hq-rt-"));
  return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** `startServer` as `npm start` runs it, on port 0, with workspaces at `<slug>.helperiq.test`. */
export async function startTestServer(db: SharedDb, env: Record<string, string> = {}): Promise<ServerUnderTest> {
  const dataDir = db.dataDir ?? mkdtempSync(path.join(tmpdir(), "hq-rt-data-"));
  const server = await startServer(
    loadConfig({
      PORT: "0",
      DATA_DIR: dataDir,
      BASE_DOMAIN,
      ADMIN_PASSWORD: "an admin password",
      ...(db.url ? { DATABASE_URL: db.url } : {}),
      ...env,
    }),
    () => undefined,
  );
  const port = Number(new URL(server.url).port);
  const app = { request: (url: string, init: RequestInit) => overHttp(port, url, init) };
  const t = { app, database: server.database, clock: testClock() } as unknown as TestApp;
  return {
    server,
    t,
    port,
    async close() {
      await server.close();
      if (!db.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A request to the server keeping the Host header (fetch would replace it with the socket address). */
async function overHttp(port: number, url: string, init: RequestInit): Promise<Response> {
  const req = new Request(url, init);
  const body = Buffer.from(await req.arrayBuffer());
  const target = new URL(url);
  const headers: Record<string, string> = Object.fromEntries(req.headers);
  headers.host = target.host;
  if (body.length) headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: "127.0.0.1", port, method: req.method, path: target.pathname + target.search, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            for (const value of [v].flat()) if (value !== undefined) h.append(k, value);
          resolve(
            new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), {
              status: res.statusCode ?? 500,
              headers: h,
            }),
          );
        });
      },
    );
    r.on("error", reject);
    r.end(body);
  });
}

export type Frame = { type: string; data: any };

/** A WebSocket client that records every frame it receives and can wait for one. */
export class WsClient {
  readonly frames: (Frame | string)[] = [];
  private waiters: { match: (f: Frame | string) => boolean; resolve: (f: Frame | string) => void }[] = [];
  closed: Promise<{ code: number }>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const text = data.toString();
      let frame: Frame | string = text;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        /* the literal pong */
      }
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) => ws.on("close", (code) => resolve({ code })));
  }

  static open(
    port: number,
    host: string,
    opts: { path?: string; headers?: Record<string, string>; protocols?: string[] } = {},
  ): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${opts.path ?? "/ws"}`, opts.protocols ?? [], {
        headers: { host, ...opts.headers },
      });
      const client = new WsClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  /** The HTTP status a refused upgrade answered with. */
  static refusal(
    port: number,
    host: string,
    opts: { path?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${opts.path ?? "/ws"}`, { headers: { host, ...opts.headers } });
      ws.once("open", () => reject(new Error("the upgrade was accepted")));
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once("error", () => undefined);
    });
  }

  send(value: unknown) {
    this.ws.send(typeof value === "string" ? value : JSON.stringify(value));
  }

  of(type: string): Frame[] {
    return this.frames.filter((f): f is Frame => typeof f === "object" && f.type === type);
  }

  /** The first frame (already received or coming) that matches, within `ms`. */
  next(match: (f: Frame) => boolean, ms = 5_000): Promise<Frame> {
    const seen = this.frames.find((f) => typeof f === "object" && match(f));
    if (seen) return Promise.resolve(seen as Frame);
    return this.wait((f) => typeof f === "object" && match(f), ms) as Promise<Frame>;
  }

  /** Waits for a frame arriving from now on. */
  wait(match: (f: Frame | string) => boolean, ms = 5_000): Promise<Frame | string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching frame within ${ms} ms; got ${this.frames.length} frames, the last: ${JSON.stringify(this.frames.slice(-3)).slice(0, 500)}`,
            ),
          ),
        ms,
      );
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}

export const auth = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });
export const cookie = (cookies: Record<string, string>) => ({
  cookie: Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; "),
});
export const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
