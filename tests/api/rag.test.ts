import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { localEmbedder } from "@helperiq/core/ai/local/index";
import type { Ctx } from "@helperiq/core/context/index";
import { loadAgentActor } from "@helperiq/core/agent/actor";
import type { Embedder } from "@helperiq/core/port/ai";
import {
  generateReply,
  LOCAL_SEARCH_THRESHOLD,
  localRagAi,
  ragDocuments,
  ragSources,
  syncSource,
} from "@helperiq/core/rag/index";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createMessage,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import { makeDocx, makePdf } from "../fixtures/rag/documents.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
/** messages:write and read_all, no ai:manage. */
let writer: TestAgent;
/** Sees only conversations assigned to them. */
let assignedOnly: TestAgent;
let site: { server: Server; base: string; hits: { path: string; host: string }[] };

const SOURCES = "/api/v1/rag/sources";
const REFUNDS =
  "Refunds are issued within 5 business days after we receive the returned item. The money goes back to the original payment card.";
const SHIPPING =
  "Standard shipping to Norway takes 3 to 7 business days. Express delivery arrives the next day when ordered before noon.";
const WARRANTY =
  "Every blender has a two year warranty covering motor failures. Damage from dropping the jug is not covered.";

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  writer = await createAgent(t, a, { permissions: ["messages:write", "conversations:read_all"] });
  assignedOnly = await createAgent(t, a, { permissions: ["messages:write", "conversations:read_assigned"] });
  site = await startSite();
});
afterAll(async () => {
  await new Promise((r) => site.server.close(r));
  await t.close();
});

async function createSource(tenant: TestTenant, body: Record<string, unknown>) {
  const res = await tenant.admin.post(SOURCES, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await t.queue.drain();
  return (await tenant.admin.get(`${SOURCES}/${res.body.data.id}`)).body.data;
}

async function upload(tenant: TestTenant, name: string, bytes: Uint8Array, type: string) {
  const form = new FormData();
  form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
  return tenant.admin.request("POST", "/api/v1/rag/upload", form);
}

const search = (tenant: TestTenant, body: Record<string, unknown>) => tenant.admin.post("/api/v1/rag/search", body);

describe("the local provider", () => {
  it("embeds deterministically into L2-normalised 1536-dimension vectors that rank shared vocabulary first", async () => {
    const embedder = localEmbedder();
    expect(embedder).toMatchObject({ provider: "local", dimensions: 1536 });
    const [x, again, near, far] = await embedder.embed([
      "Refunds take five days",
      "Refunds take five days",
      "how long do refunds take",
      "blender warranty",
    ]);
    expect(x).toEqual(again);
    expect(x).toHaveLength(1536);
    expect(Math.hypot(...x!)).toBeCloseTo(1, 6);
    const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
    expect(dot(x!, near!)).toBeGreaterThan(dot(x!, far!) + 0.2);
  });
});

describe("knowledge sources", () => {
  it("creates, lists, updates and deletes with per-type config validation", async () => {
    const source = await createSource(a, { name: "FAQ", source_type: "custom", config: { snippets: [REFUNDS] } });
    expect(source).toMatchObject({
      name: "FAQ",
      source_type: "custom",
      enabled: true,
      document_count: 1,
      sync_state: "idle",
      sync_error: null,
    });
    expect(source.last_synced_at).toEqual(expect.any(String));
    expect((await a.admin.get(SOURCES)).body.data.map((s: { id: number }) => s.id)).toContain(source.id);

    const renamed = await a.admin.put(`${SOURCES}/${source.id}`, { name: "Refund FAQ", enabled: false });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: "Refund FAQ", enabled: false });

    const bad: [Record<string, unknown>, string][] = [
      [{ name: "W", source_type: "webpage", config: { url: "ftp://x.example", crawl_depth: 1 } }, "config.url"],
      [
        { name: "W", source_type: "webpage", config: { url: "https://x.example", crawl_depth: 9 } },
        "config.crawl_depth",
      ],
      [{ name: "C", source_type: "custom", config: { snippets: [] } }, "config.snippets"],
      [{ name: "C", source_type: "custom", config: { snippets: ["ok"], extra: 1 } }, "config"],
      [{ name: "M", source_type: "macro", config: { url: "https://x.example" } }, "config"],
      [
        {
          name: "F",
          source_type: "file",
          config: { uploads: [{ filename: "a.pdf", media_uuid: crypto.randomUUID() }] },
        },
        "config.uploads.0.media_uuid",
      ],
      [
        {
          name: "F",
          source_type: "file",
          config: { uploads: [{ filename: "a.exe", media_uuid: crypto.randomUUID() }] },
        },
        "config.uploads.0.filename",
      ],
      [{ name: "X", source_type: "video", config: {} }, "source_type"],
      [{ name: "", source_type: "macro", config: {} }, "name"],
    ];
    for (const [body, field] of bad) {
      const res = await a.admin.post(SOURCES, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data.message).toContain(field);
    }
    const count = (await a.admin.get(SOURCES)).body.data.length;

    const immutable = await a.admin.put(`${SOURCES}/${source.id}`, { source_type: "webpage" });
    expect(immutable.status).toBe(400);
    expect(immutable.body.data.message).toContain("source_type");
    const badUpdate = await a.admin.put(`${SOURCES}/${source.id}`, { config: { snippets: [""] } });
    expect(badUpdate.status).toBe(400);
    expect(badUpdate.body.data.message).toContain("config.snippets.0");
    expect((await a.admin.get(`${SOURCES}/${source.id}`)).body.data.config).toEqual({ snippets: [REFUNDS] });

    const deleted = await a.admin.delete(`${SOURCES}/${source.id}`);
    expect(deleted.status).toBe(200);
    expect((await a.admin.get(`${SOURCES}/${source.id}`)).status).toBe(404);
    expect(await t.database.db.select().from(ragDocuments).where(eq(ragDocuments.sourceId, source.id))).toEqual([]);
    expect((await a.admin.get(SOURCES)).body.data.length).toBe(count - 1);
  });

  it("needs ai:manage, and another workspace's sources are 404", async () => {
    const source = await createSource(a, { name: "Private", source_type: "custom", config: { snippets: [WARRANTY] } });
    for (const [method, path, body] of [
      ["GET", SOURCES, undefined],
      ["POST", SOURCES, { name: "x", source_type: "macro", config: {} }],
      ["PUT", `${SOURCES}/${source.id}`, { name: "y" }],
      ["DELETE", `${SOURCES}/${source.id}`, undefined],
      ["POST", `${SOURCES}/${source.id}/sync`, undefined],
      ["POST", "/api/v1/rag/search", { query: "warranty" }],
    ] as const) {
      expect((await writer.client.request(method, path, body)).status, `${method} ${path}`).toBe(403);
    }
    expect((await b.admin.get(`${SOURCES}/${source.id}`)).status).toBe(404);
    expect((await b.admin.put(`${SOURCES}/${source.id}`, { name: "stolen" })).status).toBe(404);
    expect((await b.admin.post(`${SOURCES}/${source.id}/sync`)).status).toBe(404);
    expect((await b.admin.delete(`${SOURCES}/${source.id}`)).status).toBe(404);
    expect((await search(b, { query: "blender warranty motor", threshold: 0 })).body.data).toEqual([]);
    expect((await a.admin.get(`${SOURCES}/${source.id}`)).body.data.name).toBe("Private");
    await a.admin.delete(`${SOURCES}/${source.id}`);
  });
});

describe("sync", () => {
  it("reads uploaded PDF, DOCX and Markdown files", async () => {
    const pdf = await upload(
      a,
      "returns.pdf",
      makePdf(["Returned parcels are inspected by the warehouse team.", "Broken seals void the return."]),
      "application/pdf",
    );
    expect(pdf.status, JSON.stringify(pdf.body)).toBe(201);
    expect(pdf.body.data).toMatchObject({
      filename: "returns.pdf",
      media_uuid: expect.any(String),
      content_type: "application/pdf",
    });
    const docx = await upload(
      a,
      "gift-cards.docx",
      makeDocx(["Gift cards never expire.", "A lost gift card can be blocked by support."]),
      "",
    );
    expect(docx.status, JSON.stringify(docx.body)).toBe(201);
    const md = await upload(
      a,
      "loyalty.md",
      new TextEncoder().encode("# Loyalty\n\nMembers collect one point per euro spent."),
      "text/markdown",
    );
    expect(md.status).toBe(201);

    // Wrong extension, content that is not what the extension says, no file.
    expect((await upload(a, "tool.exe", new Uint8Array([1, 2, 3]), "application/octet-stream")).status).toBe(400);
    const fake = await upload(a, "fake.pdf", new TextEncoder().encode("just text"), "application/pdf");
    expect(fake.status).toBe(400);
    expect(fake.body.data.message).toContain("file");
    expect((await writer.client.request("POST", "/api/v1/rag/upload", new FormData())).status).toBe(403);

    const uploads = [pdf, docx, md].map((r) => ({
      filename: r.body.data.filename,
      media_uuid: r.body.data.media_uuid,
    }));
    // Another workspace cannot use these uploads.
    const stolen = await b.admin.post(SOURCES, { name: "Theirs", source_type: "file", config: { uploads } });
    expect(stolen.status).toBe(400);

    const source = await createSource(a, { name: "Policies", source_type: "file", config: { uploads } });
    expect(source.sync_error).toBeNull();
    expect(source.document_count).toBe(3);
    const hits = (await search(a, { query: "broken seals void the return", limit: 1 })).body.data;
    expect(hits[0]).toMatchObject({ source_id: source.id, source_name: "Policies", title: "returns.pdf", url: null });
    expect(hits[0].content).toContain("Broken seals void the return.");
    expect((await search(a, { query: "lost gift card blocked", limit: 1 })).body.data[0].title).toBe("gift-cards.docx");
    expect((await search(a, { query: "loyalty points per euro", limit: 1 })).body.data[0].title).toBe("loyalty.md");
    await a.admin.delete(`${SOURCES}/${source.id}`);
  });

  it("crawls a site within its host and depth, obeying robots.txt and canonical URLs", async () => {
    site.hits.length = 0;
    const source = await createSource(a, {
      name: "Help center",
      source_type: "webpage",
      config: { url: `${site.base}/`, crawl_depth: 1 },
    });
    expect(source.sync_error).toBeNull();
    const rows = await t.database.db
      .select()
      .from(ragDocuments)
      .where(eq(ragDocuments.sourceId, source.id))
      .orderBy(asc(ragDocuments.id));
    const urls = [...new Set(rows.map((r) => r.url))].sort();
    expect(urls).toEqual([`${site.base}/`, `${site.base}/shipping`]);
    expect(rows.find((r) => r.url === `${site.base}/shipping`)!.title).toBe("Shipping times");
    expect(source.document_count).toBe(rows.length);
    const paths = site.hits.map((h) => h.path);
    expect(paths).toContain("/robots.txt");
    expect(paths).not.toContain("/private/secret"); // robots.txt
    expect(paths).not.toContain("/deep"); // depth 2
    expect(site.hits.every((h) => h.host === new URL(site.base).host)).toBe(true); // off-host link not followed
    // The JSON link was fetched but not indexed; the duplicate's canonical was already read.
    expect(rows.some((r) => r.content.includes("not a page"))).toBe(false);
    expect(rows.some((r) => r.content.includes("Duplicate copy"))).toBe(false);

    const deeper = await a.admin.put(`${SOURCES}/${source.id}`, { config: { url: `${site.base}/`, crawl_depth: 2 } });
    expect(deeper.status).toBe(200);
    await t.queue.drain();
    const after = await t.database.db
      .select({ url: ragDocuments.url })
      .from(ragDocuments)
      .where(eq(ragDocuments.sourceId, source.id));
    expect(new Set(after.map((r) => r.url))).toContain(`${site.base}/deep`);
    await a.admin.delete(`${SOURCES}/${source.id}`);
  });

  it("records a failing sync on the source and keeps its old chunks", async () => {
    const source = await createSource(a, {
      name: "Gone site",
      source_type: "webpage",
      config: { url: `${site.base}/missing`, crawl_depth: 0 },
    });
    expect(source).toMatchObject({ sync_state: "failed", document_count: 0, last_synced_at: null });
    expect(source.sync_error).toContain("404");
    await a.admin.delete(`${SOURCES}/${source.id}`);
  });

  it("re-embeds only changed chunks and deletes removed ones", async () => {
    const source = await createSource(a, {
      name: "Snippets",
      source_type: "custom",
      config: { snippets: [REFUNDS, SHIPPING, WARRANTY] },
    });
    const before = await idsByContent(source.id);
    expect(source.document_count).toBe(3);

    const counting = countingEmbedder();
    const deps = { ...t.jobs, embedder: counting };
    expect(await syncSource(deps, a.id, source.id)).toMatchObject({
      status: "synced",
      embedded: 0,
      kept: 3,
      deleted: 0,
    });
    expect(counting.texts).toBe(0);

    const changed = `${SHIPPING} Shipping to Iceland takes two weeks.`;
    await t.database.db
      .update(ragSources)
      .set({ config: { snippets: [REFUNDS, changed] } })
      .where(eq(ragSources.id, source.id));
    expect(await syncSource(deps, a.id, source.id)).toMatchObject({
      status: "synced",
      embedded: 1,
      kept: 1,
      deleted: 2,
    });
    expect(counting.texts).toBe(1);
    const after = await idsByContent(source.id);
    expect(after.get(REFUNDS)).toBe(before.get(REFUNDS));
    expect(after.has(WARRANTY)).toBe(false);
    expect(after.get(changed)).toBeGreaterThan(Math.max(...before.values()));
    expect((await a.admin.get(`${SOURCES}/${source.id}`)).body.data.document_count).toBe(2);

    // Through the API: a sync request is 202 and runs in the background.
    const res = await a.admin.post(`${SOURCES}/${source.id}/sync`);
    expect(res.status).toBe(202);
    expect(res.body.data.sync_state).toBe("queued");
    await t.queue.drain();
    expect((await a.admin.get(`${SOURCES}/${source.id}`)).body.data).toMatchObject({
      sync_state: "idle",
      document_count: 2,
    });
    await a.admin.delete(`${SOURCES}/${source.id}`);
  });
});

describe("search", () => {
  it("ranks by cosine similarity with limit and threshold, skipping disabled sources", async () => {
    const faq = await createSource(a, {
      name: "FAQ",
      source_type: "custom",
      config: { snippets: [REFUNDS, SHIPPING, WARRANTY] },
    });
    const hits = (await search(a, { query: "How long until my refund is issued?" })).body.data;
    expect(hits[0]).toMatchObject({
      source_id: faq.id,
      source_name: "FAQ",
      content: REFUNDS,
      url: null,
      id: expect.any(Number),
    });
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].similarity).toBeGreaterThanOrEqual(hits[i].similarity);
    expect(hits.every((h: { similarity: number }) => h.similarity >= LOCAL_SEARCH_THRESHOLD)).toBe(true);

    expect((await search(a, { query: "refund shipping warranty", limit: 2, threshold: 0 })).body.data).toHaveLength(2);
    expect((await search(a, { query: "refund", threshold: 0.99 })).body.data).toEqual([]);
    expect((await search(a, { query: "quantum chromodynamics lattice" })).body.data).toEqual([]);
    for (const body of [
      {},
      { query: "" },
      { query: "x", limit: 0 },
      { query: "x", limit: 500 },
      { query: "x", threshold: 2 },
    ]) {
      const res = await search(a, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }

    await a.admin.put(`${SOURCES}/${faq.id}`, { enabled: false });
    expect((await search(a, { query: "How long until my refund is issued?" })).body.data).toEqual([]);
    await a.admin.put(`${SOURCES}/${faq.id}`, { enabled: true });
    await t.queue.drain();
    expect((await search(a, { query: "How long until my refund is issued?" })).body.data[0].content).toBe(REFUNDS);
    await a.admin.delete(`${SOURCES}/${faq.id}`);
  });
});

describe("generate", () => {
  it("drafts a reply for a conversation with the local provider, citing the right document in the macro's tone", async () => {
    const faq = await createSource(a, {
      name: "FAQ",
      source_type: "custom",
      config: { snippets: [REFUNDS, SHIPPING, WARRANTY] },
    });
    const macro = await a.admin.post("/api/v1/macros", {
      name: "Refund reply",
      message_content:
        "<p>Hi {{contact.first_name}},</p><p>Thanks for asking about your refund.</p><p>Kind regards,</p><p>The Blendr team</p>",
    });
    expect(macro.status).toBe(201);
    const tone = await createSource(a, { name: "Macros", source_type: "macro", config: {} });
    expect(tone.document_count).toBe(1);

    const convo = await createConversation(t, a, { subject: "Refund?" });
    await createMessage(t, a, convo.id, { text: "I returned the item last week." });
    await createMessage(t, a, convo.id, { text: "When will I get my refund?" });
    const res = await writer.client.post("/api/v1/rag/generate", { conversation_id: convo.uuid });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const reply = res.body.data;
    expect(reply.context_documents[0]).toMatchObject({ source_id: faq.id, content: REFUNDS });
    expect(reply.macro_documents[0]).toMatchObject({ source_id: tone.id, title: "Refund reply" });
    expect(reply.ecommerce_context_included).toBe(false);
    expect(reply.response).toContain("<p>Hi,</p>");
    expect(reply.response).toContain("Refunds are issued within 5 business days");
    expect(reply.response).toContain("Kind regards, The Blendr team");
    const cited = /<p>Sources: (.*)<\/p>/.exec(reply.response)?.[1];
    expect(cited).toContain(reply.context_documents[0].title);
    expect(cited).not.toContain("warranty");
    expect(reply.response).not.toContain("<script");

    // By reference number, and a given message instead of a conversation.
    expect((await writer.client.post("/api/v1/rag/generate", { conversation_id: convo.referenceNumber })).status).toBe(
      200,
    );
    const direct = await writer.client.post("/api/v1/rag/generate", {
      customer_message: "Does the warranty cover a dropped jug?",
    });
    expect(direct.status).toBe(200);
    expect(direct.body.data.context_documents[0].content).toBe(WARRANTY);
    expect(direct.body.data.response).toContain("Damage from dropping the jug is not covered.");
    await a.admin.delete(`${SOURCES}/${faq.id}`);
    await a.admin.delete(`${SOURCES}/${tone.id}`);
  });

  it("is 404 for a conversation the caller cannot see or of another workspace, 400 without a question, 403 without messages:write", async () => {
    const convo = await createConversation(t, a, { assignedUserId: null });
    await createMessage(t, a, convo.id, { text: "Where is my parcel?" });
    expect((await assignedOnly.client.post("/api/v1/rag/generate", { conversation_id: convo.uuid })).status).toBe(404);
    expect((await b.admin.post("/api/v1/rag/generate", { conversation_id: convo.uuid })).status).toBe(404);
    const empty = await a.admin.post("/api/v1/rag/generate", {});
    expect(empty.status).toBe(400);
    expect(empty.body.data.message).toContain("conversation_id");
    const silent = await createConversation(t, a);
    expect((await a.admin.post("/api/v1/rag/generate", { conversation_id: silent.uuid })).status).toBe(400);
    const reader = await createAgent(t, a, { permissions: ["conversations:read_all"] });
    expect((await reader.client.post("/api/v1/rag/generate", { customer_message: "hi" })).status).toBe(403);
  });

  it("continues without context when the knowledge search fails, and logs it", async () => {
    const faq = await createSource(a, { name: "FAQ", source_type: "custom", config: { snippets: [REFUNDS] } });
    const logs: string[] = [];
    const broken: Embedder = {
      ...localEmbedder(),
      embed: async () => Promise.reject(new Error("embedding service unreachable")),
    };
    const actor = (await loadAgentActor(t.database.db, a.id, writer.id, "api_key"))!;
    const ctx: Ctx = {
      db: t.database.db,
      tenantId: a.id,
      actor,
      clock: t.clock,
      events: t.deps.events,
      queue: t.queue,
    };
    const reply = await generateReply(
      ctx,
      { resolveAi: async () => ({ ...localRagAi(), embedder: broken }), log: (line) => logs.push(line) },
      { customer_message: "When will I get my refund?" },
    );
    expect(reply.context_documents).toEqual([]);
    expect(reply.macro_documents).toEqual([]);
    expect(reply.response).toContain("a teammate will follow up");
    expect(logs.join("\n")).toContain("embedding service unreachable");
    await a.admin.delete(`${SOURCES}/${faq.id}`);
  });
});

async function idsByContent(sourceId: number): Promise<Map<string, number>> {
  const rows = await t.database.db
    .select({ id: ragDocuments.id, content: ragDocuments.content })
    .from(ragDocuments)
    .where(eq(ragDocuments.sourceId, sourceId));
  return new Map(rows.map((r) => [r.content, r.id]));
}

function countingEmbedder(): Embedder & { texts: number } {
  const inner = localEmbedder();
  const counter = {
    provider: inner.provider,
    model: inner.model,
    dimensions: inner.dimensions,
    texts: 0,
    async embed(texts: string[]) {
      counter.texts += texts.length;
      return inner.embed(texts);
    },
  };
  return counter;
}

/** A small help center on 127.0.0.1 speaking plain HTTP, recording every request. */
async function startSite() {
  const hits: { path: string; host: string }[] = [];
  let base = "";
  const page = (title: string, body: string, head = "") =>
    `<!doctype html><html><head><title>${title}</title>${head}</head><body><nav>Menu</nav><main>${body}</main></body></html>`;
  const pages: Record<string, () => [number, string, string]> = {
    "/robots.txt": () => [200, "text/plain", "User-agent: *\nDisallow: /private\n"],
    "/": () => [
      200,
      "text/html; charset=utf-8",
      page(
        "Help center",
        `<h1>Welcome</h1><p>Find answers about orders.</p>
         <a href="/shipping#top">Shipping</a> <a href="/private/secret">Secret</a> <a href="/data.json">Data</a>
         <a href="/dup">Copy</a> <a href="http://localhost:${new URL(base).port}/elsewhere">Elsewhere</a> <a href="mailto:x@example.com">Mail</a>`,
      ),
    ],
    "/shipping": () => [200, "text/html", page("Shipping times", `<p>${SHIPPING}</p><a href="/deep">More</a>`)],
    "/dup": () => [
      200,
      "text/html",
      page("Shipping copy", "<p>Duplicate copy of shipping.</p>", `<link rel="canonical" href="${base}/shipping">`),
    ],
    "/deep": () => [200, "text/html", page("Deep page", "<p>Customs fees are paid by the recipient.</p>")],
    "/private/secret": () => [200, "text/html", page("Secret", "<p>Internal only.</p>")],
    "/data.json": () => [200, "application/json", '{"note": "not a page"}'],
  };
  const server = createServer((req: IncomingMessage, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.push({ path, host: req.headers.host ?? "" });
    const handler = pages[path];
    const [status, type, body] = handler ? handler() : [404, "text/plain", "not found"];
    res.writeHead(status, { "content-type": type });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base, hits };
}
