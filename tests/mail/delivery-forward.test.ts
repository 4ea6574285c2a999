import { conversations } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createEmailInbox } from "../support/email-inbox.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import { REFUSED_DOMAIN, startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.ts";
import { mailWithId, messageRow, peerServer, statusEvents } from "./delivery-helpers.ts";
import { messages } from "@helperiq/core/schema";

/** Forwarding (HQ) and auto-assign on reply, delivered to a real smtp-server peer. */
let t: TestApp;
let peer: SmtpPeer;
let a: TestTenant;
let wendy: TestAgent;
let otto: TestAgent;
let inbox: Awaited<ReturnType<typeof createEmailInbox>>;
let autoInbox: Awaited<ReturnType<typeof createEmailInbox>>;
let contact: Awaited<ReturnType<typeof createContact>>;

const PERMS = [
  "conversations:read",
  "conversations:read_all",
  "conversations:write",
  "messages:read",
  "messages:write",
] as const;
const path = (uuid: string) => `/api/v1/conversations/${uuid}/messages`;

beforeAll(async () => {
  [t, peer] = await Promise.all([bootTestApp(), startSmtpPeer()]);
  a = await createTenant(t);
  wendy = await createAgent(t, a, { permissions: [...PERMS], firstName: "Wendy" });
  otto = await createAgent(t, a, { permissions: [...PERMS], firstName: "Otto" });
  inbox = await createEmailInbox(t, a.id, {
    from: "support@acme.test",
    smtp: [peerServer(peer)],
    config: { enable_plus_addressing: true },
  });
  autoInbox = await createEmailInbox(t, a.id, {
    from: "auto@acme.test",
    smtp: [peerServer(peer)],
    config: { auto_assign_on_reply: true },
  });
  contact = await createContact(t, a, { email: "casey@customer.test" });
});

afterAll(async () => {
  await t?.close();
  await peer?.close();
});

async function send(convUuid: string, body: Record<string, unknown>, client = wendy.client) {
  const res = await client.post(path(convUuid), body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await t.queue.drain();
  return { view: res.body.data, row: await messageRow(t, res.body.data.uuid) };
}

async function activities(convUuid: string): Promise<string[]> {
  const res = await wendy.client.get(`${path(convUuid)}?types=activity&page_size=100`);
  return res.body.data.results.map((m: { text_content: string }) => m.text_content);
}

describe("forward (HQ)", () => {
  it("sends a fresh thread to forwarded_to (cc/bcc kept, not the contact), notes it and records it in meta", async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id, subject: "Broken part" });
    await t.database.db.insert(messages).values({
      tenantId: a.id,
      conversationId: conv.id,
      type: "incoming",
      status: "received",
      senderType: "contact",
      senderId: contact.id,
      content: "<p>It broke</p>",
      sourceId: "<original@customer.test>",
      createdAt: new Date(t.clock.now().getTime() - 60_000),
    });
    const { view, row } = await send(conv.uuid, {
      message: "<p>Can you replace this part?</p>",
      forwarded_to: ["vendor@partner.test", "repairs@partner.test"],
      cc: ["boss@acme.test"],
      bcc: ["audit@acme.test"],
    });
    expect(row.status).toBe("sent");
    const mail = await mailWithId(peer, row.sourceId!);
    expect(mail.subject).toBe("Fwd: Broken part");
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.references).toBeUndefined();
    expect(mail.to).toMatchObject({ value: [{ address: "vendor@partner.test" }, { address: "repairs@partner.test" }] });
    expect(mail.cc).toMatchObject({ value: [{ address: "boss@acme.test" }] });
    expect(mail.headers.has("bcc")).toBe(false);
    expect(mail.envelopeTo.sort()).toEqual([
      "audit@acme.test",
      "boss@acme.test",
      "repairs@partner.test",
      "vendor@partner.test",
    ]);
    expect(mail.envelopeTo).not.toContain("casey@customer.test");
    expect(row.meta.forward).toEqual({
      to: ["vendor@partner.test", "repairs@partner.test"],
      cc: ["boss@acme.test"],
      bcc: ["audit@acme.test"],
      at: t.clock.now().toISOString(),
    });
    expect(await activities(conv.uuid)).toContain("Wendy Smith forwarded to vendor@partner.test, repairs@partner.test");
    expect(statusEvents(t, view.uuid)).toEqual(["sending", "sent"]);
  });

  it("adds Fwd: once", async () => {
    const conv = await createConversation(t, a, {
      inboxId: inbox.id,
      contactId: contact.id,
      subject: "Fwd: Invoice 42",
    });
    const { row } = await send(conv.uuid, { message: "<p>fyi</p>", forwarded_to: ["accounting@partner.test"] });
    expect((await mailWithId(peer, row.sourceId!)).subject).toBe("Fwd: Invoice 42");
  });

  it("writes no forward note when the forward could not be delivered", async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id, subject: "Nope" });
    const { row } = await send(conv.uuid, { message: "<p>fyi</p>", forwarded_to: [`x@${REFUSED_DOMAIN}`] });
    expect(row.status).toBe("failed");
    expect(row.meta).not.toHaveProperty("forward");
    expect((await activities(conv.uuid)).some((s) => s.includes("forwarded"))).toBe(false);
  });

  it("refuses forwarding a private note (400)", async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    const res = await wendy.client.post(path(conv.uuid), {
      message: "<p>x</p>",
      private: true,
      forwarded_to: ["v@partner.test"],
    });
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^forwarded_to: /);
  });
});

describe("auto-assign on reply", () => {
  const assignee = async (id: number) =>
    (
      await t.database.db
        .select({ id: conversations.assignedUserId })
        .from(conversations)
        .where(eq(conversations.id, id))
    )[0]!.id;

  it("assigns an unassigned conversation to the replying agent, with its activity and event, when the inbox says so", async () => {
    const conv = await createConversation(t, a, { inboxId: autoInbox.id, contactId: contact.id });
    const before = t.published.length;
    const res = await wendy.client.post(path(conv.uuid), { message: "<p>On it</p>" });
    expect(res.status).toBe(201);
    // At send time, in the reply's transaction: no need to wait for the delivery.
    expect(await assignee(conv.id)).toBe(wendy.id);
    expect(t.published.slice(before)).toContainEqual({
      type: "conversation_update",
      tenantId: a.id,
      conversationUuid: conv.uuid,
      changes: { assigned_user_id: wendy.id },
    });
    await t.queue.drain();
    expect(await activities(conv.uuid)).toContain("Wendy Smith self-assigned this conversation");
  });

  it("keeps an existing assignee, ignores private notes, and does nothing for inboxes without the setting", async () => {
    const taken = await createConversation(t, a, {
      inboxId: autoInbox.id,
      contactId: contact.id,
      assignedUserId: otto.id,
    });
    await send(taken.uuid, { message: "<p>helping out</p>" });
    expect(await assignee(taken.id)).toBe(otto.id);

    const noted = await createConversation(t, a, { inboxId: autoInbox.id, contactId: contact.id });
    await send(noted.uuid, { message: "<p>note</p>", private: true });
    expect(await assignee(noted.id)).toBeNull();

    const plain = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    await send(plain.uuid, { message: "<p>reply</p>" });
    expect(await assignee(plain.id)).toBeNull();
  });
});
