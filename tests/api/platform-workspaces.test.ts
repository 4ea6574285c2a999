import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { createApp, FAMILIES } from "@helperiq/api";
import { keyActor } from "@helperiq/api/families/platform/access";
import { handleQueueMessage } from "@helperiq/core/job/index";
import { dueInboxes } from "@helperiq/core/mail-in/schedule";
import { inboxes, media, platformAudit, tenants, workspaceJobs } from "@helperiq/core/schema";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createConversation, createMessage, createTenant, type TestTenant } from "../support/factories.ts";

/**
 * The operator's platform API (/platform/v1): its gate (off, host, key, rate limit, audit), every workspace
 * operation with its errors, and what suspension and deletion do to the workspace's own routes and jobs.
 */
const KEY = "platform-key-0123456789abcdef0123456789abcdef";
let t: TestApp;
let op: Client;
let seq = 0;
const freshSlug = () => `pw${process.pid.toString(36)}x${++seq}`;

beforeAll(async () => {
  t = await bootTestApp({ platform: { apiKey: KEY } });
  // The platform host is BASE_DOMAIN itself: workspaces live on its subdomains.
  op = new Client(t, BASE_DOMAIN, { bearer: KEY });
});
afterAll(() => t.close());

const createBody = (slug: string, extra: Record<string, unknown> = {}) => ({
  slug,
  name: `Shop ${slug}`,
  admin: { email: `owner@${slug}.example`, first_name: "Olga", last_name: "Owner" },
  ...extra,
});

async function newWorkspace(extra: Record<string, unknown> = {}) {
  const slug = freshSlug();
  const res = await op.post("/platform/v1/workspaces", createBody(slug, extra));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { slug, created: res.body.data };
}

const lastAudit = async () =>
  (await t.database.db.select().from(platformAudit).orderBy(desc(platformAudit.id)).limit(1))[0]!;

describe("the gate", () => {
  it("answers 404 on every route when PLATFORM_API_KEY is unset, even with a key", async () => {
    const off = await bootTestApp({}, t.database);
    try {
      const client = new Client(off, BASE_DOMAIN, { bearer: KEY });
      for (const [method, path] of [
        ["GET", "/platform/v1/workspaces"],
        ["POST", "/platform/v1/workspaces"],
        ["GET", "/platform/v1/workspaces/acme"],
      ] as const) {
        const res = await client.request(method, path, method === "POST" ? createBody("offline") : undefined);
        expect(res.status, path).toBe(404);
        expect(res.body.data.type).toBe("NotFoundError");
      }
    } finally {
      await off.queue.drain();
    }
  });

  it("answers 404 on a workspace's host, whatever the key", async () => {
    const acme = await createTenant(t);
    for (const host of [acme.host, `nobody.${BASE_DOMAIN}`, "elsewhere.example"]) {
      const res = await op.onHost(host).get("/platform/v1/workspaces");
      expect(res.status, host).toBe(404);
    }
    // The workspace's own routes are unaffected.
    expect((await acme.admin.get("/api/v1/agents/me")).status).toBe(200);
  });

  it("refuses a missing or wrong key with 401, and audits the attempt", async () => {
    const anon = new Client(t, BASE_DOMAIN);
    const missing = await anon.get("/platform/v1/workspaces");
    expect(missing.status).toBe(401);
    expect(missing.body.data).toEqual({
      type: "AuthError",
      message: "A valid platform API key is required (Authorization: Bearer <PLATFORM_API_KEY>)",
    });
    for (const bad of [`${KEY}x`, KEY.slice(0, -1), KEY.toUpperCase(), "x"]) {
      expect((await anon.with({ bearer: bad }).get("/platform/v1/workspaces")).status).toBe(401);
    }
    expect(await lastAudit()).toMatchObject({
      actor: "api:invalid-key",
      action: "GET /platform/v1/workspaces",
      status: 401,
    });
  });

  it("rate-limits per client IP through the RateCounter (429 with Retry-After), before the key check", async () => {
    const limited = createApp(
      {
        ...t.deps,
        rateCounter: createMemoryRateCounter(),
        config: { ...t.deps.config, platform: { apiKey: KEY, rateLimit: 3 } },
      },
      Object.values(FAMILIES),
    );
    const call = (ip: string, key = KEY) =>
      limited.request(`http://${BASE_DOMAIN}/platform/v1/workspaces?page_size=1`, {
        headers: { host: BASE_DOMAIN, authorization: `Bearer ${key}`, "x-test-remote-addr": ip },
      });
    for (let i = 0; i < 3; i++) expect((await call("10.0.0.1")).status).toBe(200);
    const refused = await call("10.0.0.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Guessing keys counts too.
    expect((await call("10.0.0.1", "wrong")).status).toBe(429);
    expect((await call("10.0.0.2")).status).toBe(200);
    expect(await lastAudit()).toMatchObject({ status: 200, ip: "10.0.0.2" });
  });
});

describe("POST /platform/v1/workspaces", () => {
  it("creates the workspace with its admin's one-time set-password link, mailed, and audits it", async () => {
    const before = t.outbox.length;
    const domain = `help.shop-${process.pid}.example`;
    const { slug, created } = await newWorkspace({
      plan: "pro",
      limits: { agents: 3, storage_bytes: 1_000_000 },
      domains: [domain.toUpperCase()],
    });
    expect(created.workspace).toMatchObject({
      slug,
      status: "active",
      plan: "pro",
      limits: { agents: 3, storage_bytes: 1_000_000 },
      domains: [{ hostname: domain, verified: false }],
    });
    expect(created.admin).toMatchObject({ email: `owner@${slug}.example`, first_name: "Olga", last_name: "Owner" });
    expect(created.set_password_link).toMatch(
      new RegExp(`^http://${slug}\\.${BASE_DOMAIN.replace(".", "\\.")}/reset-password\\?token=`),
    );
    expect(created.mailed).toBe(true);
    await t.queue.drain();
    const mail = t.outbox.slice(before).find((m) => m.to === `owner@${slug}.example`);
    expect(mail?.text).toContain(created.set_password_link);
    expect(await lastAudit()).toMatchObject({
      actor: keyActor(KEY),
      action: "POST /platform/v1/workspaces",
      workspaceSlug: slug,
      status: 201,
      detail: { plan: "pro", admin: `owner@${slug}.example` },
    });
    // The new workspace serves at once on its host; its admin signs in once the password is set.
    const token = new URL(created.set_password_link).searchParams.get("token")!;
    const host = `${slug}.${BASE_DOMAIN}`;
    const anon = new Client(t, host);
    expect(
      (await anon.post("/api/v1/agents/set-password", { token, password: "the owner's own password" })).status,
    ).toBe(200);
    await anon.login(`owner@${slug}.example`, "the owner's own password");
  });

  it("refuses bad input with 400 naming the field, and writes nothing", async () => {
    const count = async () => (await t.database.db.select({ id: tenants.id }).from(tenants)).length;
    const before = await count();
    const cases: [Record<string, unknown>, RegExp][] = [
      [createBody("ab"), /^slug: must be 3 to 63 characters/],
      [createBody("www"), /^slug: "www" is reserved/],
      [createBody("bad_slug"), /^slug: may hold only lower-case letters/],
      [createBody("-dash"), /^slug: may hold only/],
      [createBody("xn--abc"), /^slug: may not have hyphens/],
      [{ ...createBody(freshSlug()), name: "" }, /^name: required/],
      [{ ...createBody(freshSlug()), admin: { email: "not-an-email", first_name: "A" } }, /^admin\.email:/],
      [{ ...createBody(freshSlug()), admin: { email: "a@b.example" } }, /^admin\.first_name:/],
      [createBody(freshSlug(), { limits: { agents: -1 } }), /^limits\.agents:/],
      [createBody(freshSlug(), { limits: { seats: 3 } }), /^limits: Unrecognized key: "seats"/],
      [createBody(freshSlug(), { domains: ["http://x.example/"] }), /^domains\[0\]:/],
      [createBody(freshSlug(), { domains: [`x.${BASE_DOMAIN}`] }), /^domains\[0\]:/],
      [{ ...createBody(freshSlug()), extra: 1 }, /^body: Unrecognized key: "extra"/],
    ];
    for (const [body, message] of cases) {
      const res = await op.post("/platform/v1/workspaces", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data.type).toBe("InputError");
      expect(res.body.data.message).toMatch(message);
    }
    expect(await count()).toBe(before);
    expect(await lastAudit()).toMatchObject({ status: 400, action: "POST /platform/v1/workspaces" });
  });

  it("a taken slug is 409, a taken domain too", async () => {
    const taken = `desk-${process.pid}.example`;
    const { slug } = await newWorkspace({ domains: [taken] });
    const dup = await op.post("/platform/v1/workspaces", createBody(slug));
    expect(dup.status).toBe(409);
    expect(dup.body.data).toEqual({
      type: "InputError",
      message: `slug: a workspace with slug "${slug}" already exists`,
    });
    const domain = await op.post(
      "/platform/v1/workspaces",
      createBody(freshSlug(), { domains: [taken.toUpperCase()] }),
    );
    expect(domain.status).toBe(409);
    expect(domain.body.data.message).toBe(`domains[0]: ${taken} is already another workspace's domain`);
    expect(await lastAudit()).toMatchObject({ status: 409 });
  });
});

describe("list, show, update", () => {
  let shop: { slug: string; id: number };
  let tenant: TestTenant;

  beforeAll(async () => {
    const { slug, created } = await newWorkspace({
      name: "Zebra Crossing Ltd",
      domains: [`zebra-${process.pid}.example`],
    });
    shop = { slug, id: created.workspace.id };
    tenant = { id: shop.id, slug } as TestTenant;
    const conversation = await createConversation(t, tenant);
    await createMessage(t, tenant, conversation.id);
    await createMessage(t, tenant, conversation.id, { type: "outgoing" });
    await t.database.db.insert(media).values([
      { tenantId: shop.id, filename: "a.png", contentType: "image/png", size: 1000, storageKey: `${shop.id}/a` },
      { tenantId: shop.id, filename: "b.pdf", contentType: "application/pdf", size: 234, storageKey: `${shop.id}/b` },
    ]);
  });

  it("shows one workspace with its usage counted from its tables", async () => {
    const res = await op.get(`/platform/v1/workspaces/${shop.slug}`);
    expect(res.status).toBe(200);
    // The admin, one inbox (the conversation's), one conversation, two messages, 1234 bytes.
    expect(res.body.data.usage).toEqual({ agents: 1, inboxes: 1, conversations: 1, messages: 2, storage_bytes: 1234 });
    expect((await op.get("/platform/v1/workspaces/no-such-workspace")).status).toBe(404);
  });

  it("pages and searches by slug, name or domain", async () => {
    const bySlug = await op.get(`/platform/v1/workspaces?q=${shop.slug}`);
    expect(bySlug.body.data.results.map((w: { slug: string }) => w.slug)).toEqual([shop.slug]);
    const byName = await op.get("/platform/v1/workspaces?q=ZEBRA%20crossing");
    expect(byName.body.data.results.map((w: { slug: string }) => w.slug)).toEqual([shop.slug]);
    const byDomain = await op.get(`/platform/v1/workspaces?q=${encodeURIComponent(`zebra-${process.pid}.EX`)}`);
    expect(byDomain.body.data.results.map((w: { slug: string }) => w.slug)).toEqual([shop.slug]);
    expect((await op.get("/platform/v1/workspaces?q=%25")).body.data.total).toBe(0);
    const page1 = await op.get("/platform/v1/workspaces?page_size=2&page=1");
    const page2 = await op.get("/platform/v1/workspaces?page_size=2&page=2");
    expect(page1.body.data.results).toHaveLength(2);
    expect(page1.body.data.total).toBeGreaterThan(3);
    const slugs = [...page1.body.data.results, ...page2.body.data.results].map((w: { slug: string }) => w.slug);
    expect(slugs).toEqual([...slugs].sort());
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(page1.body.data.results[0].usage).toBeDefined();
    expect((await op.get("/platform/v1/workspaces?status=nope")).body.data.message).toMatch(/^status:/);
  });

  it("updates name, plan and limits (limits replace the stored ones); bad input is 400 naming the field", async () => {
    const res = await op.put(`/platform/v1/workspaces/${shop.slug}`, {
      name: "Zebra Ltd",
      plan: "enterprise",
      limits: { inboxes: 10, api_requests_per_minute: 600 },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      name: "Zebra Ltd",
      plan: "enterprise",
      limits: { inboxes: 10, api_requests_per_minute: 600 },
    });
    const limits = await op.put(`/platform/v1/workspaces/${shop.slug}`, { limits: { agents: 2 } });
    expect(limits.body.data.limits).toEqual({ agents: 2 });
    expect(limits.body.data.name).toBe("Zebra Ltd");
    for (const [body, message] of [
      [{}, /nothing to update/],
      [{ limits: { api_requests_per_minute: 0 } }, /^limits\.api_requests_per_minute:/],
      [{ limits: { agents: 1.5 } }, /^limits\.agents:/],
      [{ plan: "" }, /^plan: required/],
      [{ slug: "renamed" }, /Unrecognized key: "slug"/],
    ] as const) {
      const bad = await op.put(`/platform/v1/workspaces/${shop.slug}`, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.data.message).toMatch(message);
    }
    expect((await op.put("/platform/v1/workspaces/no-such-workspace", { name: "x" })).status).toBe(404);
    expect(await lastAudit()).toMatchObject({ action: "PUT /platform/v1/workspaces/:slug", status: 404 });
  });
});

describe("suspend and resume", () => {
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    a = await createTenant(t);
    b = await createTenant(t);
  });

  it("a suspended workspace answers 403 with the reason on every route; others are untouched; resume restores it", async () => {
    const res = await op.post(`/platform/v1/workspaces/${a.slug}/suspend`, { reason: "Invoice 42 is unpaid" });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: "suspended", suspended_reason: "Invoice 42 is unpaid" });
    expect(res.body.data.suspended_at).toBeTruthy();
    const message = "This workspace is suspended: Invoice 42 is unpaid";
    for (const [client, method, path] of [
      [a.admin, "GET", "/api/v1/agents/me"],
      [a.admin, "GET", "/api/v1/conversations/all"],
      [a.admin, "POST", "/api/v1/media"],
      [a.anonymous, "GET", "/api/v1/config"],
      [a.anonymous, "POST", "/api/v1/auth/login"],
      [a.anonymous, "GET", "/uploads/00000000-0000-4000-8000-000000000000"],
      [a.anonymous, "GET", "/widget.js"],
      [a.anonymous, "GET", "/api/v1/widget/chat/settings/launcher?inbox_id=1"],
      [a.anonymous, "POST", "/api/v1/widget/media/upload"],
    ] as const) {
      const r = await client.request(method, path, method === "POST" ? {} : undefined, {
        origin: "https://shop.example",
      });
      expect(r.status, path).toBe(403);
      expect(r.body.data, path).toEqual({ type: "PermissionError", message });
    }
    // The widget's script, on the customer's site, can read why.
    const widget = await a.anonymous.request("GET", "/api/v1/widget/chat/settings?inbox_id=1", undefined, {
      origin: "https://shop.example",
    });
    expect(widget.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    expect((await b.admin.get("/api/v1/agents/me")).status).toBe(200);

    // Without a reason (and without a body) the message still says what happened.
    const bare = await t.app.request(`http://${BASE_DOMAIN}/platform/v1/workspaces/${a.slug}/suspend`, {
      method: "POST",
      headers: { host: BASE_DOMAIN, authorization: `Bearer ${KEY}` },
    });
    expect(bare.status).toBe(200);
    const plain = await a.admin.get("/api/v1/agents/me");
    expect(plain.body.data.message).toBe(
      "This workspace is suspended; its administrator can ask the service operator why",
    );
    expect(await lastAudit()).toMatchObject({
      action: "POST /platform/v1/workspaces/:slug/suspend",
      workspaceSlug: a.slug,
      status: 200,
    });

    const resumed = await op.post(`/platform/v1/workspaces/${a.slug}/resume`);
    expect(resumed.body.data).toMatchObject({ status: "active", suspended_at: null, suspended_reason: null });
    expect((await a.admin.get("/api/v1/agents/me")).status).toBe(200);
    expect((await op.post(`/platform/v1/workspaces/${a.slug}/suspend`, { reason: "" })).body.data.message).toMatch(
      /^reason: required/,
    );
  });

  it("a suspended workspace's jobs and pollers skip it: no poll is due, its queued work is dropped", async () => {
    const db = t.database.db;
    const imapConfig = { imap: [{ host: "imap.example.com", port: 993, username: "u", password: "p" }] };
    for (const tenant of [a, b]) {
      await db.insert(inboxes).values({
        tenantId: tenant.id,
        name: "Mail",
        channel: "email",
        from: `support@${tenant.slug}.example`,
        config: imapConfig,
      });
    }
    const due = async () => new Set((await dueInboxes(db, t.clock.now())).map((d) => d.tenantId));
    expect((await due()).has(a.id)).toBe(true);
    await op.post(`/platform/v1/workspaces/${a.slug}/suspend`, { reason: "paused" });
    expect((await due()).has(a.id)).toBe(false);
    expect((await due()).has(b.id)).toBe(true);

    const before = t.outbox.length;
    const mail = (tenantId: number) => ({ to: `x${tenantId}@example.com`, subject: "s", text: "t" });
    await handleQueueMessage(t.jobs, { type: "mail.send", tenantId: a.id, mail: mail(a.id) });
    await handleQueueMessage(t.jobs, { type: "mail.send", tenantId: b.id, mail: mail(b.id) });
    expect(t.outbox.slice(before).map((m) => m.to)).toEqual([`x${b.id}@example.com`]);
    await op.post(`/platform/v1/workspaces/${a.slug}/resume`);
    expect((await due()).has(a.id)).toBe(true);
  });
});

describe("DELETE /platform/v1/workspaces/{slug}", () => {
  it("answers 202, marks it deleting, queues one purge job; its hosts answer 404 at once", async () => {
    const gone = await createTenant(t);
    const res = await op.delete(`/platform/v1/workspaces/${gone.slug}`);
    expect(res.status).toBe(202);
    expect(res.body.data.workspace).toMatchObject({ slug: gone.slug, status: "deleting" });
    expect(res.body.data.workspace.deleted_at).toBeTruthy();
    expect(res.body.data.job).toMatchObject({ kind: "purge", status: "queued" });
    const jobs = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.tenantId, gone.id));
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: "purge", status: "queued", tenantSlug: gone.slug, requestedBy: "platform" });

    expect((await gone.admin.get("/api/v1/agents/me")).status).toBe(404);
    // Asking again returns the same job; nothing else may change any more.
    const again = await op.delete(`/platform/v1/workspaces/${gone.slug}`);
    expect(again.status).toBe(202);
    expect(again.body.data.job.id).toBe(res.body.data.job.id);
    for (const [method, path, body] of [
      ["PUT", "", { name: "x" }],
      ["POST", "/suspend", {}],
      ["POST", "/resume", {}],
    ] as const) {
      const r = await op.request(method, `/platform/v1/workspaces/${gone.slug}${path}`, body);
      expect(r.status, path).toBe(409);
      expect(r.body.data.message).toBe(`slug: workspace "${gone.slug}" is being deleted`);
    }
    // Its slug stays taken until the purge removed it.
    expect((await op.post("/platform/v1/workspaces", createBody(gone.slug))).status).toBe(409);
    expect((await op.delete("/platform/v1/workspaces/no-such-workspace")).status).toBe(404);
    expect(await lastAudit()).toMatchObject({ action: "DELETE /platform/v1/workspaces/:slug", status: 404 });
  });
});
