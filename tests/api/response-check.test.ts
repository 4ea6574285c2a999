import { createApp } from "@helperiq/api/app";
import { ok, responds } from "@helperiq/api/middleware/envelope";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AppEnv } from "@helperiq/api/env";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";

/**
 * The response check the suites run with (config.checkResponses, tests/support/app.ts): every success
 * answer must be exactly what its route declared, or the call fails with a 500 naming the difference.
 */
let t: TestApp;
let a: TestTenant;

const item = z.object({ id: z.int(), name: z.string(), tags: z.array(z.object({ id: z.int() })) });
const answers = new Hono<AppEnv>()
  .get("/t/exact", responds(item), (c) => ok(c, { id: 1, name: "one", tags: [{ id: 2 }] }))
  // @ts-expect-error a field the schema lacks does not compile either
  .get("/t/extra", responds(item), (c) => ok(c, { id: 1, name: "one", tags: [{ id: 2, secret: "s" }] }))
  .get("/t/empty", responds(item), (c) => ok(c, { id: 1, name: "one", tags: [] }))
  .get("/t/wrong", responds(item), (c) => c.json({ data: { id: "1", name: "one", tags: [] } }))
  .get("/t/bare", responds(item), (c) => c.json({ id: 1, name: "one", tags: [] }))
  .post("/t/created", responds(item, 201), (c) => ok(c, { id: 1, name: "one", tags: [] }))
  // @ts-expect-error the status is the declared one
  .post("/t/status", responds(item, 201), (c) => ok(c, { id: 1, name: "one", tags: [] }, 200))
  .get("/t/error", responds(item), (c) => c.json({ data: { message: "no", type: "InputError" } }, 400))
  .get("/t/undeclared", (c) => c.json({ data: { id: 1 } }))
  .get("/t/empty-undeclared", (c) => c.body(null, 204));

const call = async (app: ReturnType<typeof createApp>, method: string, path: string) => {
  const res = await app.request(`http://${a.host}${path}`, { method });
  return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> } };
};

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
});
afterAll(() => t.close());

describe("response check", () => {
  const checked = () => createApp(t.deps, [answers]);

  it("passes an answer that is exactly its declared schema, with the declared status", async () => {
    expect(await call(checked(), "GET", "/t/exact")).toEqual({
      status: 200,
      body: { data: { id: 1, name: "one", tags: [{ id: 2 }] } },
    });
    expect((await call(checked(), "POST", "/t/created")).status).toBe(201);
  });

  it("fails an answer with a field its schema does not describe, naming it at any depth", async () => {
    const res = await call(checked(), "GET", "/t/extra");
    expect(res.status).toBe(500);
    expect(res.body.data).toEqual({
      type: "GeneralError",
      message: "GET /t/extra: data.tags[0].secret: not in the declared schema",
    });
  });

  it("fails a wrong field type, a body outside the envelope and another success status", async () => {
    expect((await call(checked(), "GET", "/t/wrong")).body.data.message).toMatch(
      /^GET \/t\/wrong: data\.id: Invalid input: expected number/,
    );
    expect((await call(checked(), "GET", "/t/bare")).body.data.message).toBe(
      'GET /t/bare: the body is not {"data": …}',
    );
    expect((await call(checked(), "POST", "/t/status")).body.data.message).toBe(
      "POST /t/status: answered 200, declared 201",
    );
  });

  it("fails a JSON answer no route declared, and leaves bodies that are not JSON alone", async () => {
    expect((await call(checked(), "GET", "/t/undeclared")).body.data.message).toBe(
      "GET /t/undeclared: a JSON answer with no declared schema (responds())",
    );
    expect((await checked().request(`http://${a.host}/t/empty-undeclared`)).status).toBe(204);
  });

  it("leaves error answers to the error envelope", async () => {
    expect(await call(checked(), "GET", "/t/error")).toEqual({
      status: 400,
      body: { data: { message: "no", type: "InputError" } },
    });
  });

  it("costs nothing where it is off (production): the answer goes out as the handler made it", async () => {
    const unchecked = createApp({ ...t.deps, config: { ...t.deps.config, checkResponses: false } }, [answers]);
    expect(await call(unchecked, "GET", "/t/extra")).toEqual({
      status: 200,
      body: { data: { id: 1, name: "one", tags: [{ id: 2, secret: "s" }] } },
    });
  });
});
