import { revokeApiKeys } from "@helperiq/core/auth/index";
import { sessions, users } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, parseSetCookies, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, TEST_PASSWORD, type TestTenant } from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(() => t.close());

const loginRaw = (tenant: TestTenant, body: string, type = "application/json", cookie?: string) =>
  t.app.request(`http://${tenant.host}/api/v1/auth/login`, {
    method: "POST",
    headers: { host: tenant.host, "content-type": type, ...(cookie ? { cookie } : {}) },
    body,
  });

describe("login", () => {
  it("accepts JSON and sets an HttpOnly, SameSite=Lax session cookie plus a readable CSRF cookie", async () => {
    const res = await loginRaw(a, JSON.stringify({ email: a.adminEmail, password: TEST_PASSWORD }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.data).toMatchObject({ id: a.adminId, email: a.adminEmail, first_name: "Ada" });
    const lines = res.headers.getSetCookie();
    const session = lines.find((l) => l.startsWith("helperiq_session="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);
    const csrf = lines.find((l) => l.startsWith("csrf_token="))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(parseSetCookies(res.headers).csrf_token).toBe(body.data.csrf_token);
  });

  it("accepts a form post, and the email case-insensitively", async () => {
    const form = new URLSearchParams({ email: a.adminEmail.toUpperCase(), password: TEST_PASSWORD }).toString();
    const res = await loginRaw(a, form, "application/x-www-form-urlencoded");
    expect(res.status).toBe(200);
  });

  it("stores only a hash of the session token", async () => {
    const res = await loginRaw(a, JSON.stringify({ email: a.adminEmail, password: TEST_PASSWORD }));
    const token = parseSetCookies(res.headers).helperiq_session!;
    const rows = await t.database.db.select({ id: sessions.id }).from(sessions);
    expect(rows.some((r) => r.id === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id))).toBe(true);
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    const wrong = await loginRaw(a, JSON.stringify({ email: a.adminEmail, password: "not the password" }));
    const unknown = await loginRaw(
      a,
      JSON.stringify({ email: "nobody@nowhere.example", password: "not the password" }),
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it("names the missing field and rejects other content types", async () => {
    const res = await loginRaw(a, JSON.stringify({ email: a.adminEmail }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).data.message).toMatch(/^password: /);
    expect((await loginRaw(a, "email=x", "text/plain")).status).toBe(400);
    expect((await loginRaw(a, "{oops")).status).toBe(400);
  });

  it("does not let an admin of one workspace sign in on another's host", async () => {
    const res = await loginRaw(b, JSON.stringify({ email: a.adminEmail, password: TEST_PASSWORD }));
    expect(res.status).toBe(401);
  });

  it("refuses disabled agents and the System user", async () => {
    const agent = await createAgent(t, a);
    await t.database.db.update(users).set({ enabled: false }).where(eq(users.id, agent.id));
    expect((await loginRaw(a, JSON.stringify({ email: agent.email, password: TEST_PASSWORD }))).status).toBe(401);
  });
});

describe("sessions", () => {
  it("rotates the session on login: the old cookie stops working", async () => {
    const first = await a.anonymous.login(a.adminEmail, TEST_PASSWORD);
    const cookie = `helperiq_session=${first.creds.cookies!.helperiq_session}`;
    const second = await loginRaw(
      a,
      JSON.stringify({ email: a.adminEmail, password: TEST_PASSWORD }),
      "application/json",
      cookie,
    );
    expect(second.status).toBe(200);
    expect((await first.get("/api/v1/statuses")).status).toBe(401);
  });

  it("logout invalidates the session on the server, not just the cookie", async () => {
    const session = await a.anonymous.login(a.adminEmail, TEST_PASSWORD);
    expect((await session.get("/api/v1/statuses")).status).toBe(200);
    const out = await session.post("/api/v1/auth/logout");
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join(";")).toMatch(/helperiq_session=;/);
    expect((await session.get("/api/v1/statuses")).status).toBe(401);
  });

  it("GET /logout from the workspace's own page ends the session and redirects", async () => {
    const session = await a.anonymous.login(a.adminEmail, TEST_PASSWORD);
    const res = await session.request("GET", "/logout", undefined, {
      "sec-fetch-site": "same-origin",
      "sec-fetch-dest": "document",
    });
    expect(res.status).toBe(302);
    expect((await session.get("/api/v1/statuses")).status).toBe(401);
  });

  it("slides the expiry forward when used late in its life, and expires when unused", async () => {
    const session = await a.anonymous.login(a.adminEmail, TEST_PASSWORD);
    t.clock.advance(20 * 86_400_000);
    const renewed = await session.get("/api/v1/statuses");
    expect(renewed.status).toBe(200);
    expect(renewed.headers.getSetCookie().some((l) => l.startsWith("helperiq_session="))).toBe(true);
    t.clock.advance(25 * 86_400_000); // 45 days after login, 25 after renewal: still valid
    expect((await session.get("/api/v1/statuses")).status).toBe(200);
    t.clock.advance(31 * 86_400_000);
    expect((await session.get("/api/v1/statuses")).status).toBe(401);
  });

  it("stops working at once when the agent is disabled", async () => {
    const agent = await createAgent(t, a, { permissions: ["status:manage"] });
    const session = await a.anonymous.login(agent.email, TEST_PASSWORD);
    expect((await session.get("/api/v1/statuses")).status).toBe(200);
    await t.database.db.update(users).set({ enabled: false }).where(eq(users.id, agent.id));
    expect((await session.get("/api/v1/statuses")).status).toBe(401);
    expect((await agent.client.get("/api/v1/statuses")).status).toBe(401);
  });

  it("is worthless on another workspace's host", async () => {
    const session = await a.anonymous.login(a.adminEmail, TEST_PASSWORD);
    expect((await session.onHost(b.host).get("/api/v1/statuses")).status).toBe(401);
  });
});

describe("CSRF", () => {
  it("requires X-CSRFTOKEN matching the session for cookie-authenticated writes", async () => {
    const session = await a.anonymous.login(a.adminEmail, TEST_PASSWORD);
    const noHeader = await session.with({ cookies: session.creds.cookies! }).post("/api/v1/tags", { name: "csrf-a" });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.data.message).toMatch(/CSRF/);
    const wrong = await session
      .with({ cookies: session.creds.cookies!, csrf: "forged" })
      .post("/api/v1/tags", { name: "csrf-b" });
    expect(wrong.status).toBe(403);
    const tags = (await session.get("/api/v1/tags")).body.data.map((x: { name: string }) => x.name);
    expect(tags).not.toContain("csrf-a");
    expect((await session.post("/api/v1/tags", { name: "csrf-ok" })).status).toBe(201);
  });

  it("does not apply to API keys", async () => {
    expect((await a.admin.post("/api/v1/tags", { name: "via-key" })).status).toBe(201);
  });
});

describe("API keys", () => {
  it("authenticate as Bearer lk_… and are refused once revoked", async () => {
    const agent = await createAgent(t, a);
    expect(agent.apiKey).toMatch(/^lk_/);
    expect((await agent.client.get("/api/v1/statuses")).status).toBe(200);
    await revokeApiKeys(t.database.db, agent.id, t.clock.now());
    const res = await agent.client.get("/api/v1/statuses");
    expect(res.status).toBe(401);
    expect(res.body.data.type).toBe("AuthError");
  });

  it("are bound to their workspace", async () => {
    expect((await a.admin.onHost(b.host).get("/api/v1/statuses")).status).toBe(401);
  });

  it("reject malformed and unknown keys", async () => {
    for (const header of ["Bearer", "Bearer lk_nope", "Basic abc", "Bearer  "]) {
      const res = await a.anonymous.request("GET", "/api/v1/statuses", undefined, { authorization: header });
      expect(res.status).toBe(401);
    }
  });
});

describe("workspace resolution", () => {
  it("answers 404 for a host that is no workspace", async () => {
    const res = await new Client(t, "nope.helperiq.test").get("/api/v1/config");
    expect(res.status).toBe(404);
    expect(res.body.data.type).toBe("NotFoundError");
    expect((await new Client(t, "evil.example.com").get("/api/v1/config")).status).toBe(404);
  });

  it("serves the public config per workspace", async () => {
    const res = await a.anonymous.get("/api/v1/config");
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ app_name: `Workspace ${a.slug}`, sso_providers: [], default_language: "en" });
  });
});
