import { ANONYMOUS_BODY_LIMIT, SIGNED_IN_BODY_LIMIT } from "@helperiq/api/middleware/body-limit";
import { serve, type ServerType } from "@hono/node-server";
import { normalizeLivechatConfig } from "@helperiq/core/inbox/livechat-config";
import { inboxes } from "@helperiq/core/schema";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, TEST_IP_HEADER, type TestApp } from "../support/app.ts";
import { createConversation, createTenant, type TestTenant } from "../support/factories.ts";
import { freePort } from "../support/free-port.ts";

/**
 * Request bodies are limited by route class before anything reads or parses them (middleware/body-limit.ts):
 * a declared Content-Length over the limit is refused without reading a byte, a body without one is read only
 * until it passes the limit. Bodies here come from generators that count what was pulled, so a 64 MB body is
 * never allocated.
 */
const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

let t: TestApp;
let a: TestTenant;
let server: ServerType;
let port: number;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  port = await freePort();
  await new Promise<void>((resolve) => {
    server = serve({ fetch: t.app.fetch, port, hostname: "127.0.0.1" }, () => resolve());
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

/** A body of `total` bytes of JSON-ish filler, produced chunk by chunk on demand; `pulled` counts what was read. */
function generatedBody(total: number) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled >= total) return controller.close();
        const size = Math.min(CHUNK, total - counter.pulled);
        counter.pulled += size;
        controller.enqueue(new Uint8Array(size).fill(0x20));
      },
    },
    { highWaterMark: 0 },
  ); // nothing is produced until someone reads
  return { stream, counter };
}

async function send(path: string, total: number, opts: { declareLength: boolean; bearer?: string }) {
  const { stream, counter } = generatedBody(total);
  const headers: Record<string, string> = {
    host: a.host,
    "content-type": "application/json",
    [TEST_IP_HEADER]: "198.51.100.7",
  };
  if (opts.declareLength) headers["content-length"] = String(total);
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const started = performance.now();
  const res = await t.app.request(`http://${a.host}${path}`, {
    method: "POST",
    headers,
    body: stream,
    duplex: "half",
  } as RequestInit);
  return {
    status: res.status,
    body: (await res.json()) as any,
    pulled: counter.pulled,
    ms: performance.now() - started,
  };
}

const ANONYMOUS_ROUTES = [
  "/api/v1/widget/chat/conversations/init",
  "/api/v1/agents/set-password",
  "/api/v1/auth/login",
  "/api/v1/no-such-route",
];

describe("anonymous routes", () => {
  for (const path of ANONYMOUS_ROUTES) {
    it(`POST ${path}: a declared 64 MB body is 413 at once, without reading it`, async () => {
      const res = await send(path, 64 * MB, { declareLength: true });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        data: { type: "InputError", message: "body: larger than the limit of 64 KB for this route" },
      });
      expect(res.pulled).toBe(0);
      expect(res.ms).toBeLessThan(1000);
    });

    it(`POST ${path}: a chunked 64 MB body is 413 once it passes 64 KB, read no further`, async () => {
      const res = await send(path, 64 * MB, { declareLength: false });
      expect(res.status).toBe(413);
      expect(res.body.data.type).toBe("InputError");
      // The stream may pull one chunk ahead of the reader.
      expect(res.pulled).toBeLessThanOrEqual(ANONYMOUS_BODY_LIMIT + 2 * CHUNK);
    });
  }

  it("a widget message of 20,000 three-byte characters with its page still fits", async () => {
    const config = normalizeLivechatConfig({ allowed_domains: ["shop.example.com"] });
    const [inbox] = await t.database.db
      .insert(inboxes)
      .values({ tenantId: a.id, name: "Chat", channel: "livechat", enabled: true, config })
      .returning({ uuid: inboxes.uuid });
    const body = JSON.stringify({
      message: "界".repeat(20_000),
      page: { url: `https://shop.example.com/${"p".repeat(2000)}`, title: "t".repeat(300) },
    });
    expect(new TextEncoder().encode(body).length).toBeGreaterThan(60_000);
    const res = await a.anonymous.request(
      "POST",
      `/api/v1/widget/chat/conversations/init?inbox_id=${inbox!.uuid}`,
      body,
      {
        origin: "https://shop.example.com",
        [TEST_IP_HEADER]: "198.51.100.8",
      },
    );
    expect(res.status, JSON.stringify(res.body)).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });
});

describe("signed-in routes", () => {
  it("take JSON bodies above the anonymous limit", async () => {
    const conversation = await createConversation(t, a);
    const html = `<p>${"x".repeat(300_000)}</p>`;
    const res = await a.admin.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
      message: html,
      private: true,
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
  });

  it("refuse one over 2 MB with 413, declared or streamed", async () => {
    const bearer = a.admin.creds.bearer!;
    const declared = await send("/api/v1/macros", 3 * MB, { declareLength: true, bearer });
    expect(declared.status).toBe(413);
    expect(declared.body.data.message).toBe("body: larger than the limit of 2 MB for this route");
    expect(declared.pulled).toBe(0);
    const streamed = await send("/api/v1/macros", 64 * MB, { declareLength: false, bearer });
    expect(streamed.status).toBe(413);
    expect(streamed.pulled).toBeLessThanOrEqual(SIGNED_IN_BODY_LIMIT + 2 * CHUNK);
  });

  it("a route declaring a larger limit (custom knowledge sources) reaches validation with a 3 MB body", async () => {
    const res = await a.admin.post("/api/v1/rag/sources", {
      name: "Big",
      source_type: "custom",
      config: { snippets: ["x".repeat(3 * MB)] },
    });
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^config\.snippets\.0: Too big/);
  });
});

describe("over a real socket (the embedded server's adapter)", () => {
  /** Sends headers and the first `firstBytes` of a body, then waits for the answer without sending more. */
  function partialPost(
    path: string,
    headers: Record<string, string>,
    firstBytes: number,
  ): Promise<{ res: IncomingMessage; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        host: "127.0.0.1",
        port,
        method: "POST",
        path,
        headers: { host: a.host, "content-type": "application/json", ...headers },
      });
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          resolve({ res, text });
          req.destroy();
        });
      });
      req.on("error", reject);
      req.write(Buffer.alloc(firstBytes, 0x20));
      // Deliberately never ends the body: an answer can only come from refusing it unread.
    });
  }

  it("answers 413 to a declared 64 MB body after its first 64 KB arrived", async () => {
    const started = performance.now();
    const { res, text } = await partialPost(
      "/api/v1/widget/chat/conversations/init",
      { "content-length": String(64 * MB) },
      CHUNK,
    );
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(text)).toEqual({
      data: { type: "InputError", message: "body: larger than the limit of 64 KB for this route" },
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("answers 413 to a chunked body once it passes the limit", async () => {
    const { res, text } = await partialPost(
      "/api/v1/agents/set-password",
      { "transfer-encoding": "chunked" },
      ANONYMOUS_BODY_LIMIT + CHUNK,
    );
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(text).data.type).toBe("InputError");
  });
});
