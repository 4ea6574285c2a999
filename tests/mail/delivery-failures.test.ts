import { conversations, messages, statuses } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { createServer, type AddressInfo } from "node:net";
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
import { createInboxTransport } from "@helperiq/adapters/mail/inbox-transport";
import { ChannelSendError } from "@helperiq/core/port/channel-mailer";

/**
 * Delivery when things go wrong: refused recipients, temporary failures and retries with backoff, dead
 * servers, authentication, and `set_status` waiting for the SMTP server's acceptance. The test app's
 * in-process queue makes 3 attempts with a 10 ms × n backoff (tests/support/app.ts).
 */
let t: TestApp;
let peer: SmtpPeer;
let authPeer: SmtpPeer;
let deadPort: number;
let a: TestTenant;
let b: TestTenant;
let wendy: TestAgent;
let otto: TestAgent;
let inbox: Awaited<ReturnType<typeof createEmailInbox>>;
let contact: Awaited<ReturnType<typeof createContact>>;

const PERMS = [
  "conversations:read",
  "conversations:read_all",
  "conversations:write",
  "messages:read",
  "messages:write",
] as const;
const path = (uuid: string) => `/api/v1/conversations/${uuid}/messages`;

/** A loopback port nothing listens on (a server was there a moment ago): connection refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  [t, peer, authPeer, deadPort] = await Promise.all([
    bootTestApp(),
    startSmtpPeer(),
    startSmtpPeer({ auth: { username: "mailer", password: "s3cret pass" } }),
    closedPort(),
  ]);
  [a, b] = await Promise.all([createTenant(t), createTenant(t)]);
  wendy = await createAgent(t, a, { permissions: [...PERMS], firstName: "Wendy" });
  otto = await createAgent(t, a, { permissions: [...PERMS], firstName: "Otto" });
  inbox = await createEmailInbox(t, a.id, { from: "support@acme.test", smtp: [peerServer(peer)] });
  contact = await createContact(t, a, { email: "casey@customer.test" });
});

afterAll(async () => {
  await t?.close();
  await Promise.all([peer?.close(), authPeer?.close()]);
});

async function statusOf(conversationId: number) {
  const [row] = await t.database.db
    .select({ name: statuses.name, resolvedAt: conversations.resolvedAt })
    .from(conversations)
    .innerJoin(statuses, eq(statuses.id, conversations.statusId))
    .where(eq(conversations.id, conversationId));
  return row!;
}

async function post(convUuid: string, body: Record<string, unknown>, client = wendy.client) {
  const res = await client.post(path(convUuid), body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { uuid: string };
}

describe("set_status waits for the SMTP server", () => {
  it("resolves the conversation only once the mail was accepted, as a status change with its activity", async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    peer.delayMs = 150;
    try {
      const sent = await post(conv.uuid, { message: "<p>Done!</p>", set_status: "Resolved" });
      // Accepted by the API, still Open: the email has not gone out yet.
      expect((await statusOf(conv.id)).name).toBe("Open");
      await t.queue.drain();
      expect((await messageRow(t, sent.uuid)).status).toBe("sent");
    } finally {
      peer.delayMs = 0;
    }
    const status = await statusOf(conv.id);
    expect(status.name).toBe("Resolved");
    expect(status.resolvedAt).not.toBeNull();
    const events = t.published.filter((e) => "conversationUuid" in e && e.conversationUuid === conv.uuid);
    const sentAt = events.findIndex((e) => e.type === "message_update" && e.changes.status === "sent");
    const resolvedAt = events.findIndex((e) => e.type === "conversation_update" && e.changes.status === "Resolved");
    expect(sentAt).toBeGreaterThanOrEqual(0);
    expect(resolvedAt).toBeGreaterThan(sentAt);
    const history = (await wendy.client.get(`${path(conv.uuid)}?types=activity`)).body.data.results;
    expect(history.map((m: { text_content: string }) => m.text_content)).toContain(
      "Wendy Smith set status to Resolved",
    );
  });

  it(`fails at once when the server refuses every recipient (${REFUSED_DOMAIN}) and leaves the status alone`, async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    const sent = await post(conv.uuid, {
      message: "<p>Bye</p>",
      to: [`nobody@${REFUSED_DOMAIN}`],
      set_status: "Resolved",
    });
    await t.queue.drain();
    const row = await messageRow(t, sent.uuid);
    expect(row.status).toBe("failed");
    expect(row.meta.delivery).toMatchObject({
      attempts: 1,
      lease_until: null,
      last_error: expect.stringMatching(/recipients were rejected/),
    });
    expect(row.meta.recipients).toEqual({ accepted: [], rejected: [`nobody@${REFUSED_DOMAIN}`] });
    expect(statusEvents(t, sent.uuid)).toEqual(["sending", "failed"]);
    expect((await statusOf(conv.id)).name).toBe("Open");
  });

  it("stores refused and accepted recipients apart when only some are refused; the mail goes out", async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    const sent = await post(conv.uuid, { message: "<p>Partial</p>", cc: [`gone@${REFUSED_DOMAIN}`] });
    await t.queue.drain();
    const row = await messageRow(t, sent.uuid);
    expect(row.status).toBe("sent");
    expect(row.meta.recipients).toEqual({ accepted: ["casey@customer.test"], rejected: [`gone@${REFUSED_DOMAIN}`] });
    expect((await mailWithId(peer, row.sourceId!)).envelopeTo).toEqual(["casey@customer.test"]);
  });
});

describe("transient failures", () => {
  it("retries a 451 with backoff, staying `sending` between tries, then sends once", async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    peer.failNext(1, 451);
    const sent = await post(conv.uuid, { message: "<p>Second time lucky</p>", set_status: "Resolved" });
    await t.queue.drain();
    const row = await messageRow(t, sent.uuid);
    expect(row.status).toBe("sent");
    expect(row.meta.delivery).toMatchObject({ attempts: 2, last_error: expect.stringMatching(/451/) });
    expect(statusEvents(t, sent.uuid)).toEqual(["sending", "sent"]);
    expect(peer.received.filter((m) => m.raw.includes(row.sourceId!)).length).toBe(1);
    expect((await statusOf(conv.id)).name).toBe("Resolved");
  });

  it("fails after the last attempt, keeps the status, and the sender's retry sends it with the same Message-ID", async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    peer.failNext(3, 421);
    const sent = await post(conv.uuid, { message: "<p>Persistent</p>", set_status: "Resolved" });
    await t.queue.drain();
    const failed = await messageRow(t, sent.uuid);
    expect(failed.status).toBe("failed");
    expect(failed.meta.delivery).toMatchObject({ attempts: 3, last_error: expect.stringMatching(/421/) });
    expect(statusEvents(t, sent.uuid)).toEqual(["sending", "failed"]);
    expect((await statusOf(conv.id)).name).toBe("Open");
    const messageId = failed.sourceId!;
    expect(messageId).toBe(`<${sent.uuid}@acme.test>`);

    const retry = (client = wendy.client, uuid = sent.uuid, convUuid = conv.uuid) =>
      client.put(`${path(convUuid)}/${uuid}/retry`);
    expect((await retry(otto.client)).status).toBe(403);
    expect((await retry(b.admin)).status).toBe(404);
    const res = await retry();
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("pending");
    await t.queue.drain();
    const row = await messageRow(t, sent.uuid);
    expect(row.status).toBe("sent");
    expect(row.sourceId).toBe(messageId);
    expect(row.meta.delivery).toMatchObject({ attempts: 4 });
    expect(statusEvents(t, sent.uuid)).toEqual(["sending", "failed", "pending", "sending", "sent"]);
    expect((await mailWithId(peer, messageId)).subject).toContain(`[#${conv.referenceNumber}]`);
    expect((await statusOf(conv.id)).name).toBe("Resolved");
    // Sent now: no second retry.
    const again = await retry();
    expect(again.status).toBe(400);
    expect(again.body.data.message).toBe("only a failed message can be retried");
  });

  it("moves on to the inbox's next SMTP server when one refuses connections", async () => {
    const twoServers = await createEmailInbox(t, a.id, {
      from: "help@acme.test",
      smtp: [peerServer(peer, { port: deadPort }), peerServer(peer)],
    });
    const conv = await createConversation(t, a, { inboxId: twoServers.id, contactId: contact.id });
    const sent = await post(conv.uuid, { message: "<p>failover</p>" });
    await t.queue.drain();
    const row = await messageRow(t, sent.uuid);
    expect(row.status).toBe("sent");
    expect(row.meta.delivery).toMatchObject({ attempts: 1 });
  });

  it("fails after the last attempt when the only server refuses connections", async () => {
    const dead = await createEmailInbox(t, a.id, {
      from: "down@acme.test",
      smtp: [peerServer(peer, { port: deadPort })],
    });
    const conv = await createConversation(t, a, { inboxId: dead.id, contactId: contact.id });
    const sent = await post(conv.uuid, { message: "<p>nobody home</p>" });
    await t.queue.drain();
    const row = await messageRow(t, sent.uuid);
    expect(row.status).toBe("failed");
    expect(row.meta.delivery).toMatchObject({
      attempts: 3,
      last_error: expect.stringMatching(/ECONNREFUSED|connect/i),
    });
  });
});

describe("SMTP authentication and configuration", () => {
  it("logs in with the inbox's sealed credentials", async () => {
    const authed = await createEmailInbox(t, a.id, {
      from: "auth@acme.test",
      smtp: [peerServer(authPeer, { username: "mailer", password: "s3cret pass" })],
    });
    const conv = await createConversation(t, a, { inboxId: authed.id, contactId: contact.id });
    const sent = await post(conv.uuid, { message: "<p>authenticated</p>" });
    await t.queue.drain();
    const row = await messageRow(t, sent.uuid);
    expect(row.status).toBe("sent");
    expect(authPeer.received.some((m) => m.raw.includes(row.sourceId!))).toBe(true);
  });

  it("fails at once (no retries) when the server refuses the credentials", async () => {
    const wrong = await createEmailInbox(t, a.id, {
      from: "wrong@acme.test",
      smtp: [peerServer(authPeer, { username: "mailer", password: "nope" })],
    });
    const conv = await createConversation(t, a, { inboxId: wrong.id, contactId: contact.id });
    const sent = await post(conv.uuid, { message: "<p>x</p>" });
    await t.queue.drain();
    const row = await messageRow(t, sent.uuid);
    expect(row.status).toBe("failed");
    expect(row.meta.delivery).toMatchObject({ attempts: 1, last_error: expect.stringMatching(/535|Invalid/) });
  });

  it("fails a reply of an inbox without SMTP servers, or disabled since", async () => {
    const bare = await createEmailInbox(t, a.id, { from: "bare@acme.test" });
    const conv = await createConversation(t, a, { inboxId: bare.id, contactId: contact.id });
    const sent = await post(conv.uuid, { message: "<p>x</p>" });
    await t.queue.drain();
    expect((await messageRow(t, sent.uuid)).meta.delivery).toMatchObject({
      last_error: "the inbox has no SMTP server configured",
    });
    expect((await messageRow(t, sent.uuid)).status).toBe("failed");

    const later = await createEmailInbox(t, a.id, { from: "later@acme.test", smtp: [peerServer(peer)] });
    const conv2 = await createConversation(t, a, { inboxId: later.id, contactId: contact.id });
    const [pending] = await t.database.db
      .insert(messages)
      .values({
        tenantId: a.id,
        conversationId: conv2.id,
        type: "outgoing",
        status: "pending",
        senderType: "agent",
        senderId: wendy.id,
        content: "<p>p</p>",
        meta: { to: ["casey@customer.test"] },
      })
      .returning();
    const { inboxes } = await import("@helperiq/core/schema");
    await t.database.db.update(inboxes).set({ enabled: false }).where(eq(inboxes.id, later.id));
    await t.queue.send({ type: "message.deliver", tenantId: a.id, messageId: pending!.id });
    await t.queue.drain();
    const row = await messageRow(t, pending!.uuid);
    expect(row.status).toBe("failed");
    expect(row.meta.delivery).toMatchObject({ last_error: "the inbox is disabled or deleted" });
  });
});

describe("the SMTP adapter (packages/adapters/src/mail/inbox-transport.ts)", () => {
  const mail = {
    from: { name: "Wendy", address: "support@acme.test" },
    to: ["casey@customer.test"],
    cc: [],
    bcc: [],
    subject: "s",
    messageId: "<adapter-test@acme.test>",
    html: "<p>x</p>",
    text: "x",
    attachments: [],
  };

  it("reports a server that answers too slowly as a transient failure", async () => {
    // Socket timeout = 3 × 800 ms, well under the peer's delay; the greeting still comes in time.
    const transport = createInboxTransport({ guard: t.outbound, timeoutMs: 800 });
    peer.delayMs = 5000;
    try {
      const err = await transport.send(peerServer(peer), mail).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelSendError);
      expect((err as ChannelSendError).permanent).toBe(false);
      expect((err as Error).message).toMatch(/timeout|timed out/i);
    } finally {
      peer.delayMs = 0;
      transport.close();
    }
  });

  it("classifies 5xx and refused credentials as permanent, 4xx as transient", async () => {
    const transport = createInboxTransport({ guard: t.outbound, timeoutMs: 5000 });
    try {
      peer.failNext(1, 554);
      const hard = await transport.send(peerServer(peer), mail).catch((e: unknown) => e);
      expect(hard).toMatchObject({ permanent: true });
      peer.failNext(1, 452);
      const soft = await transport.send(peerServer(peer), mail).catch((e: unknown) => e);
      expect(soft).toMatchObject({ permanent: false });
      const denied = await transport
        .send(peerServer(authPeer, { username: "mailer", password: "bad" }), mail)
        .catch((e: unknown) => e);
      expect(denied).toMatchObject({ permanent: true });
      const ok = await transport.send(peerServer(peer), mail);
      expect(ok.accepted).toEqual(["casey@customer.test"]);
    } finally {
      transport.close();
    }
  });
});
