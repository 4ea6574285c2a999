import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createTenant, TEST_PASSWORD, type TestTenant } from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
});
afterAll(() => t.close());

describe("envelopes and conventions", () => {
  it("answers unknown routes with a 404 NotFoundError envelope", async () => {
    const res = await a.admin.get("/api/v1/does-not-exist");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      data: { message: expect.stringContaining("/api/v1/does-not-exist"), type: "NotFoundError" },
    });
    expect((await a.admin.request("PATCH", "/api/v1/statuses")).status).toBe(404);
  });

  it("answers malformed JSON with 400 InputError", async () => {
    const res = await a.admin.request("POST", "/api/v1/statuses", "{not json");
    expect(res.status).toBe(400);
    expect(res.body.data.type).toBe("InputError");
  });

  it("gives every response a request id, keeping a well-formed one from the caller", async () => {
    const res = await a.admin.request("GET", "/api/v1/statuses", undefined, { "x-request-id": "edge-req-12345678" });
    expect(res.headers.get("x-request-id")).toBe("edge-req-12345678");
    const bad = await a.admin.request("GET", "/api/v1/statuses", undefined, { "x-request-id": "<script>" });
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("GET /health is 200 with an empty body on any host", async () => {
    const res = await new Client(t, "unknown.example").get("/health");
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
  });

  it("marks cookies Secure when served over https", async () => {
    const secure = await bootTestApp({ secureCookies: true });
    try {
      const tenant = await createTenant(secure);
      const res = await secure.app.request(`https://${tenant.host}/api/v1/auth/login`, {
        method: "POST",
        headers: { host: tenant.host, "content-type": "application/json" },
        body: JSON.stringify({ email: tenant.adminEmail, password: TEST_PASSWORD }),
      });
      expect(res.headers.getSetCookie().every((l) => /; Secure/.test(l))).toBe(true);
    } finally {
      await secure.close();
    }
  });
});

describe("when the database is gone", () => {
  it("health is 503 and other routes are a 500 GeneralError that leaks nothing", async () => {
    const broken = await bootTestApp();
    const tenant = await createTenant(broken);
    await broken.database.close();
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      expect((await tenant.admin.get("/health")).status).toBe(503);
      const res = await tenant.admin.get("/api/v1/statuses");
      expect(res.status).toBe(500);
      expect(res.body.data.type).toBe("GeneralError");
      expect(res.body.data.message).toMatch(/^Unexpected error \(request id [0-9a-f-]{36}\)$/);
      expect(JSON.stringify(res.body)).not.toMatch(/select|pglite|pool|at \w+ \(/i);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      console.error = original;
    }
  });
});
