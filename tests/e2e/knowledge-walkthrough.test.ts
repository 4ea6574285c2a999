import { conversations } from "@helperiq/core/conversation/conversation.sql";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import { createInbox, createMessage, createTenant, TEST_PASSWORD, type TestTenant } from "../support/factories.ts";
import { makePdf } from "../fixtures/rag/documents.ts";

/**
 * The knowledge base walk-through (issue 7): an admin adds a custom source and a file source (a real PDF),
 * syncs them, searches; then an agent asks for a drafted reply to a customer's question with the local
 * provider (no key, no network), and the draft quotes and cites the PDF that answers it.
 */
let t: TestApp;
let ws: TestTenant;
let admin: Client;
let agent: Client;
let inboxId: number;

beforeAll(async () => {
  t = await bootTestApp();
  ws = await createTenant(t);
  admin = await ws.anonymous.login(ws.adminEmail, TEST_PASSWORD);
  const role = await admin.post("/api/v1/roles", {
    name: "Support agent",
    permissions: [
      "conversations:read",
      "conversations:read_unassigned",
      "conversations:write",
      "messages:read",
      "messages:write",
    ],
  });
  expect(role.status).toBe(201);
  expect(
    (
      await admin.post("/api/v1/agents", {
        first_name: "Alice",
        email: "alice@example.com",
        roles: ["Support agent"],
        password: TEST_PASSWORD,
      })
    ).status,
  ).toBe(201);
  agent = await ws.anonymous.login("alice@example.com", TEST_PASSWORD);
  inboxId = (await createInbox(t, ws, { name: "Support" })).id;
});
afterAll(() => t.close());

describe("knowledge base walk-through", () => {
  it("runs from two new sources to a drafted reply that cites the right document", async () => {
    // The admin: a few FAQ snippets, and the returns policy as a PDF.
    const custom = await admin.post("/api/v1/rag/sources", {
      name: "FAQ",
      source_type: "custom",
      config: {
        snippets: [
          "Opening hours: our support team answers Monday to Friday, 9:00 to 17:00 CET.",
          "Gift cards never expire and can be used in every store.",
        ],
      },
    });
    expect(custom.status).toBe(201);
    const form = new FormData();
    const pdf = makePdf([
      "Returns policy",
      "Unused items can be returned within 30 days of delivery.",
      "Refunds are paid to the original card within 5 business days of receiving the return.",
    ]);
    form.append("file", new File([pdf as Uint8Array<ArrayBuffer>], "returns-policy.pdf", { type: "application/pdf" }));
    const uploaded = await admin.request("POST", "/api/v1/rag/upload", form);
    expect(uploaded.status).toBe(201);
    const file = await admin.post("/api/v1/rag/sources", {
      name: "Policies",
      source_type: "file",
      config: { uploads: [{ filename: uploaded.body.data.filename, media_uuid: uploaded.body.data.media_uuid }] },
    });
    expect(file.status).toBe(201);

    // Sync both in the background (a new source is queued at once; an explicit sync is 202 too).
    expect((await admin.post(`/api/v1/rag/sources/${file.body.data.id}/sync`)).status).toBe(202);
    await t.queue.drain();
    const sources = (await admin.get("/api/v1/rag/sources")).body.data;
    for (const s of sources)
      expect(s).toMatchObject({ sync_state: "idle", sync_error: null, last_synced_at: expect.any(String) });
    expect(sources.find((s: { id: number }) => s.id === custom.body.data.id).document_count).toBe(2);
    expect(sources.find((s: { id: number }) => s.id === file.body.data.id).document_count).toBe(1);

    // Search finds the PDF for a refund question and the FAQ for opening hours.
    const refunds = await admin.post("/api/v1/rag/search", { query: "how many days until the refund is paid" });
    expect(refunds.status).toBe(200);
    expect(refunds.body.data[0]).toMatchObject({ source_name: "Policies", title: "returns-policy.pdf" });
    const hours = await admin.post("/api/v1/rag/search", { query: "what are your opening hours", limit: 1 });
    expect(hours.body.data[0]).toMatchObject({ source_name: "FAQ" });
    expect(hours.body.data).toHaveLength(1);

    // A customer writes in (as the email channel would store it); the agent asks for a draft.
    const created = await agent.post("/api/v1/conversations", {
      inbox_id: inboxId,
      contact: { first_name: "Carla", email: "carla@example.org" },
      subject: "Refund for my return",
      message: "<p>Thanks for writing in, we are looking into it.</p>",
    });
    expect(created.status).toBe(201);
    await createMessage(t, ws, await conversationId(created.body.data.uuid), {
      text: "I returned the kettle last Monday. When will my refund be paid?",
      createdAt: new Date(t.clock.now().getTime() + 1000),
    });
    const draft = await agent.post("/api/v1/rag/generate", { conversation_id: created.body.data.uuid });
    expect(draft.status).toBe(200);
    const { response, context_documents } = draft.body.data;
    expect(context_documents[0]).toMatchObject({ title: "returns-policy.pdf", source_name: "Policies" });
    expect(response).toContain("Refunds are paid to the original card within 5 business days");
    expect(response).toMatch(/<p>Sources: returns-policy\.pdf<\/p>/);
    expect(response).not.toContain("Gift cards");
  });
});

async function conversationId(uuid: string): Promise<number> {
  const [row] = await t.database.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.uuid, uuid));
  return row!.id;
}
