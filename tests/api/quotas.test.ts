import { transaction, within } from "@helperiq/core/db/transaction";
import { readEmailInbox } from "@helperiq/core/inbox/email-config";
import { parseMail } from "@helperiq/core/mail-in/parse";
import { importMail } from "@helperiq/core/mail-in/write";
import { createAiClients } from "@helperiq/adapters/ai/index";
import { resolveAi } from "@helperiq/core/ai/index";
import type { ChatModel } from "@helperiq/core/port/ai";
import { meterChat, recordUsage, usageMonth } from "@helperiq/core/quota/ai-usage";
import type { TenantLimits } from "@helperiq/core/tenant/tenant.sql";
import { media, tenants, tenantUsage, users } from "@helperiq/core/schema";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAiServer, type AiServer } from "../support/ai-servers.ts";
import { createEmailInbox } from "../support/email-inbox.ts";
import { BASE_DOMAIN, bootTestApp, Client, type Reply, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createInbox,
  createMessage,
  createTenant,
  type TestTenant,
} from "../support/factories.ts";

/**
 * Plan limits (tenants.limits): each one under, at and over, the refusal's status and message, unlimited when
 * absent; AI calls recorded per month; the usage report beside the limits, for the operator and the admin.
 */
const OPENAI_KEY = "sk-openai-test-0123456789";
const PLATFORM_KEY = "platform-key-quotas-0123456789abcdef0123456789";
let t: TestApp;
let openai: AiServer;
let op: Client;

beforeAll(async () => {
  openai = await startAiServer("openai", { apiKey: OPENAI_KEY });
  const ai = createAiClients({ baseUrls: { openai: openai.baseUrl }, maxRetries: 0, timeoutMs: 2_000 });
  t = await bootTestApp({ platform: { apiKey: PLATFORM_KEY } }, undefined, undefined, undefined, ai);
  op = new Client(t, BASE_DOMAIN, { bearer: PLATFORM_KEY });
});
afterAll(async () => {
  await t?.close();
  await openai?.close();
});

const setLimits = (tenant: TestTenant, limits: TenantLimits) =>
  t.database.db.update(tenants).set({ limits }).where(eq(tenants.id, tenant.id));

const newAgent = (tenant: TestTenant, email: string, extra: Record<string, unknown> = {}) =>
  tenant.admin.post("/api/v1/agents", { first_name: "Nia", email, roles: ["Agent"], ...extra });

function expectQuota(res: Reply, message: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  expect(res.body.data.type).toBe("PermissionError");
  expect(res.body.data.message).toMatch(message);
}

function uploadFile(client: Client, size: number): Promise<Reply> {
  const form = new FormData();
  form.append("file", new File([new Uint8Array(size).fill(65)], "notes.txt", { type: "text/plain" }));
  return client.request("POST", "/api/v1/media", form);
}

describe("agents", () => {
  it("creates up to the limit, then 403 naming it; disabled agents free a seat; enabling past it is refused", async () => {
    const a = await createTenant(t);
    // The admin holds one seat.
    await setLimits(a, { agents: 2 });
    const second = await newAgent(a, `two@${a.slug}.example`);
    expect(second.status).toBe(201);
    const third = await newAgent(a, `three@${a.slug}.example`);
    expectQuota(third, /^This workspace's plan allows 2 enabled agents/);
    // Created disabled: no seat taken.
    const off = await newAgent(a, `off@${a.slug}.example`, { enabled: false });
    expect(off.status).toBe(201);
    expectQuota(await a.admin.put(`/api/v1/agents/${off.body.data.id}`, { enabled: true }), /allows 2 enabled agents/);
    // Disabling one frees its seat for the other.
    expect((await a.admin.put(`/api/v1/agents/${second.body.data.id}`, { enabled: false })).status).toBe(200);
    expect((await a.admin.put(`/api/v1/agents/${off.body.data.id}`, { enabled: true })).status).toBe(200);
    const enabled = await t.database.db
      .select()
      .from(users)
      .where(and(eq(users.tenantId, a.id), eq(users.type, "agent"), eq(users.enabled, true)));
    expect(enabled).toHaveLength(2);
  });

  it("imports rows until the limit, the rest fail with the limit named", async () => {
    const a = await createTenant(t);
    await setLimits(a, { agents: 3 });
    const csv = ["email,first_name", "i1@example.com,One", "i2@example.com,Two", "i3@example.com,Three"].join("\n");
    expect((await a.admin.upload("/api/v1/agents/import", csv)).status).toBe(202);
    await t.queue.drain();
    const status = (await a.admin.get("/api/v1/agents/import/status")).body.data;
    expect(status).toMatchObject({ status: "completed", total: 3, completed: 2, errored: 1 });
    expect(status.errors[0].message).toMatch(/allows 3 enabled agents/);
  });

  it("is unlimited when the limit is absent", async () => {
    const a = await createTenant(t);
    for (let i = 0; i < 4; i++) expect((await newAgent(a, `u${i}@${a.slug}.example`)).status).toBe(201);
  });
});

describe("inboxes", () => {
  const livechat = (name: string) => ({ name, channel: "livechat", config: {} });

  it("creates up to the limit, then 403 naming it; a deleted inbox frees its slot; absent = unlimited", async () => {
    const a = await createTenant(t);
    await setLimits(a, { inboxes: 1 });
    const first = await a.admin.post("/api/v1/inboxes", livechat("Chat"));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expectQuota(await a.admin.post("/api/v1/inboxes", livechat("Chat 2")), /^This workspace's plan allows 1 inbox;/);
    expect((await a.admin.delete(`/api/v1/inboxes/${first.body.data.id}`)).status).toBe(200);
    expect((await a.admin.post("/api/v1/inboxes", livechat("Chat 3"))).status).toBe(201);
    await setLimits(a, {});
    for (const n of [4, 5]) expect((await a.admin.post("/api/v1/inboxes", livechat(`Chat ${n}`))).status).toBe(201);
  });
});

describe("storage", () => {
  it("accepts uploads up to the limit, refuses the one past it with 403 naming it, nothing stored", async () => {
    const a = await createTenant(t);
    await setLimits(a, { storage_bytes: 3000 });
    expect((await uploadFile(a.admin, 1000)).status).toBe(201);
    expect((await uploadFile(a.admin, 2000)).status).toBe(201); // exactly at the limit
    const over = await uploadFile(a.admin, 1);
    expectQuota(over, /^This workspace's plan allows 3000 bytes of storage and 3000 bytes is used/);
    expect(await t.database.db.select().from(media).where(eq(media.tenantId, a.id))).toHaveLength(2);
    await setLimits(a, {});
    expect((await uploadFile(a.admin, 5000)).status).toBe(201);
  });

  it("keeps inbound mail past the limit whole, attachments included; the workspace's next upload is refused", async () => {
    const a = await createTenant(t);
    await setLimits(a, { storage_bytes: 1000 });
    const row = await createEmailInbox(t, a.id, { from: "Support <support@quota.test>" });
    const attachment = Buffer.from("x".repeat(3000)).toString("base64");
    const raw = new TextEncoder().encode(
      [
        "From: Casey <casey@customer.test>",
        "To: support@quota.test",
        "Subject: Invoice attached",
        "Message-ID: <over-quota@customer.test>",
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Please find the invoice attached.",
        "--b1",
        'Content-Type: text/plain; name="invoice.txt"',
        'Content-Disposition: attachment; filename="invoice.txt"',
        "Content-Transfer-Encoding: base64",
        "",
        attachment,
        "--b1--",
        "",
      ].join("\r\n"),
    );
    const inbox = (await readEmailInbox(t.database.db, t.secrets, a.id, row.id))!;
    const mail = await parseMail(raw);
    const scope = { db: t.database.db, events: t.jobs.events, queue: t.queue };
    const outcome = await transaction(scope, (tx, after) =>
      importMail(within(scope, tx, after), t.blobs, inbox, mail, t.clock.now()),
    );
    expect(outcome.status).toBe("imported");
    const stored = await t.database.db.select().from(media).where(eq(media.tenantId, a.id));
    expect(stored.map((m) => [m.filename, m.size])).toEqual([["invoice.txt", 3000]]);
    expectQuota(await uploadFile(a.admin, 1), /allows 1000 bytes of storage and 3000 bytes is used/);
  });
});

describe("AI calls per month", () => {
  const QUESTION = { system: "Be brief.", messages: [{ role: "user" as const, content: "hi" }] };
  async function withOpenAi() {
    const a = await createTenant(t);
    expect((await a.admin.put("/api/v1/ai/provider", { type: "openai", api_key: OPENAI_KEY })).status).toBe(200);
    expect((await a.admin.put("/api/v1/ai/provider/default", { type: "openai" })).status).toBe(200);
    return a;
  }
  const rewrite = (a: TestTenant) =>
    a.admin.post("/api/v1/ai/completion", { prompt_key: "fix_grammar", text: "helo there" });

  it("records each cloud call and its tokens; at the limit the next is 403 naming it, without calling the provider", async () => {
    const a = await withOpenAi();
    await setLimits(a, { ai_calls_per_month: 2 });
    expect((await rewrite(a)).status).toBe(200);
    expect((await rewrite(a)).status).toBe(200);
    const sent = openai.requestsTo("/chat/completions").length;
    const over = await rewrite(a);
    expectQuota(
      over,
      /^This workspace's plan allows 2 AI calls per month and they are used; AI is available again from \d{4}-\d{2}-01/,
    );
    expect(openai.requestsTo("/chat/completions")).toHaveLength(sent);
    const rows = await t.database.db.select().from(tenantUsage).where(eq(tenantUsage.tenantId, a.id));
    const month = usageMonth(t.clock.now());
    // The fake server reports 20 tokens a chat call.
    expect(rows.map((r) => [r.month, r.metric, r.value]).sort()).toEqual([
      [month, "ai_calls", 2],
      [month, "ai_tokens", 40],
    ]);
  });

  it("meters embeddings too, and last month's calls do not count against this one", async () => {
    const a = await withOpenAi();
    expect((await a.admin.put("/api/v1/settings/ai", { embedding_provider: "openai" })).status).toBe(200);
    const now = t.clock.now();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    await recordUsage(t.database.db, a.id, lastMonth, "ai_calls", 50);
    await setLimits(a, { ai_calls_per_month: 1 });
    const { embedder } = await resolveAi({ db: t.database.db, tenantId: a.id, clock: t.clock }, t.jobs);
    expect((await embedder.embed(["where is my parcel"]))[0]).toHaveLength(embedder.dimensions);
    await expect(embedder.embed(["again"])).rejects.toThrow(/allows 1 AI calls per month/);
  });

  it("concurrent calls cannot pass the limit together; a call the provider fails is given back", async () => {
    const a = await createTenant(t);
    await setLimits(a, { ai_calls_per_month: 2 });
    let asked = 0;
    let fail = false;
    // A provider that takes a while to answer: every call is in flight before any has finished.
    const slow: ChatModel = {
      provider: "openai",
      model: "slow",
      async complete() {
        asked++;
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (fail) throw new Error("provider down");
        return { text: "ok", model: "slow", tokens: 5 };
      },
    };
    const chat = meterChat({ db: t.database.db, tenantId: a.id, clock: t.clock }, slow);
    const ask = () => chat.complete(QUESTION);
    const outcomes = await Promise.allSettled([ask(), ask(), ask(), ask()]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(2);
    for (const o of outcomes.filter((o) => o.status === "rejected"))
      expect(String((o as PromiseRejectedResult).reason)).toMatch(/allows 2 AI calls per month/);
    expect(asked).toBe(2);

    const b = await createTenant(t);
    await setLimits(b, { ai_calls_per_month: 1 });
    const chatB = meterChat({ db: t.database.db, tenantId: b.id, clock: t.clock }, slow);
    fail = true;
    await expect(chatB.complete(QUESTION)).rejects.toThrow("provider down");
    fail = false;
    expect(await chatB.complete(QUESTION)).toMatchObject({ text: "ok" });
    const rows = await t.database.db.select().from(tenantUsage).where(eq(tenantUsage.tenantId, b.id));
    expect(rows.map((r) => [r.metric, r.value]).sort()).toEqual([
      ["ai_calls", 1],
      ["ai_tokens", 5],
    ]);
  });

  it("the built-in local provider is not metered, and no limit means unlimited", async () => {
    const local = await createTenant(t);
    await setLimits(local, { ai_calls_per_month: 0 });
    expect((await rewrite(local)).status).toBe(200);
    const cloud = await withOpenAi();
    for (let i = 0; i < 3; i++) expect((await rewrite(cloud)).status).toBe(200);
    const [row] = await t.database.db
      .select()
      .from(tenantUsage)
      .where(and(eq(tenantUsage.tenantId, cloud.id), eq(tenantUsage.metric, "ai_calls")));
    expect(row!.value).toBe(3);
    expect(await t.database.db.select().from(tenantUsage).where(eq(tenantUsage.tenantId, local.id))).toEqual([]);
  });
});

describe("API requests per minute", () => {
  it("serves the limit, answers 429 naming it with Retry-After past it, per API key, and a new minute serves again", async () => {
    const a = await createTenant(t);
    const other = await createAgent(t, a);
    await setLimits(a, { api_requests_per_minute: 3 });
    for (let i = 0; i < 3; i++) {
      const ok = await a.admin.get("/api/v1/agents/me");
      expect(ok.status).toBe(200);
      expect(ok.headers.get("x-ratelimit-remaining")).toBe(String(2 - i));
    }
    const over = await a.admin.get("/api/v1/agents/me");
    expect(over.status).toBe(429);
    expect(over.body.data).toEqual({
      type: "RateLimitError",
      message: expect.stringMatching(
        /^This workspace's plan allows 3 API requests per minute per API key; retry in \d+ s$/,
      ),
    });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another key of the same workspace has its own minute.
    expect((await other.client.get("/api/v1/agents/me")).status).toBe(200);
    t.clock.advance(61_000);
    expect((await a.admin.get("/api/v1/agents/me")).status).toBe(200);
  });

  it("applies a limit the operator puts through the platform API from the next request on", async () => {
    const a = await createTenant(t);
    const put = (limits: TenantLimits) => op.put(`/platform/v1/workspaces/${a.slug}`, { limits });
    expect((await put({ api_requests_per_minute: 1 })).status).toBe(200);
    expect((await a.admin.get("/api/v1/agents/me")).status).toBe(200);
    expect((await a.admin.get("/api/v1/agents/me")).status).toBe(429);
    expect((await put({ api_requests_per_minute: 5 })).status).toBe(200);
    const raised = await a.admin.get("/api/v1/agents/me");
    expect(raised.status).toBe(200);
    expect(raised.headers.get("x-ratelimit-limit")).toBe("5");
    expect((await put({})).status).toBe(200);
    expect((await a.admin.get("/api/v1/agents/me")).headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("counts nothing when the limit is absent", async () => {
    const a = await createTenant(t);
    for (let i = 0; i < 5; i++) {
      const res = await a.admin.get("/api/v1/agents/me");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBeNull();
    }
  });
});

describe("usage report", () => {
  it("counts the month's conversations and messages, storage, AI calls and tokens, with the limits beside them", async () => {
    const a = await createTenant(t);
    const inbox = await createInbox(t, a);
    const limits = { agents: 5, storage_bytes: 10_000, ai_calls_per_month: 100 };
    await setLimits(a, limits);
    const c1 = await createConversation(t, a, { inboxId: inbox.id });
    await createConversation(t, a, { inboxId: inbox.id });
    await createMessage(t, a, c1.id, { text: "one" });
    await createMessage(t, a, c1.id, { text: "two" });
    // Last month's message is not this month's figure.
    await createMessage(t, a, c1.id, { text: "old", createdAt: new Date(Date.UTC(2001, 0, 10)) });
    expect((await uploadFile(a.admin, 1234)).status).toBe(201);
    const now = t.clock.now();
    await recordUsage(t.database.db, a.id, now, "ai_calls", 7);
    await recordUsage(t.database.db, a.id, now, "ai_tokens", 700);
    await recordUsage(t.database.db, a.id, now, "ai_calls", 1);

    const month = usageMonth(now);
    const expected = {
      month,
      conversations: 2,
      messages: 2,
      ai_calls: 8,
      ai_tokens: 700,
      agents: 1,
      inboxes: 1,
      storage_bytes: 1234,
      limits,
    };
    const admin = await a.admin.get("/api/v1/usage");
    expect(admin.status).toBe(200);
    expect(admin.body.data).toEqual(expected);
    const operator = await op.get(`/platform/v1/workspaces/${a.slug}/usage?month=${month}`);
    expect(operator.status).toBe(200);
    expect(operator.body.data).toEqual(expected);
    // Another month: flows are zero, states are what the workspace holds now.
    const empty = (await a.admin.get("/api/v1/usage?month=2001-01")).body.data;
    expect(empty).toEqual({ ...expected, month: "2001-01", conversations: 0, messages: 1, ai_calls: 0, ai_tokens: 0 });
  });

  it("answers 400 naming month, 404 for an unknown workspace, 403 without general_settings:manage", async () => {
    const a = await createTenant(t);
    const bad = await a.admin.get("/api/v1/usage?month=2026-13");
    expect(bad.status).toBe(400);
    expect(bad.body.data).toEqual({ type: "InputError", message: "month: must be a month as YYYY-MM" });
    expect((await op.get("/platform/v1/workspaces/nosuchworkspace/usage")).status).toBe(404);
    // A workspace being deleted is gone for the operator's per-workspace routes (as its domains are).
    const doomed = await createTenant(t);
    await t.database.db.update(tenants).set({ status: "deleting" }).where(eq(tenants.id, doomed.id));
    for (const path of [
      `/platform/v1/workspaces/${doomed.slug}/usage`,
      `/platform/v1/workspaces/${doomed.slug}/domains`,
    ]) {
      const gone = await op.get(path);
      expect(gone.status, path).toBe(404);
      expect(gone.body.data).toEqual({ type: "NotFoundError", message: "Workspace not found" });
    }
    const agent = await createAgent(t, a, { permissions: ["conversations:read"] });
    expect((await agent.client.get("/api/v1/usage")).status).toBe(403);
  });
});
