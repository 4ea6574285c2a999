import { conversations, media, messages } from "@helperiq/core/schema";
import { and, eq } from "drizzle-orm";
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
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.ts";
import { mailWithId, messageRow, peerServer, PNG, statusEvents, upload } from "./delivery-helpers.ts";

/**
 * Outgoing email end to end: a reply posted through the API is queued, delivered by the real job through
 * nodemailer to a real smtp-server peer, and what the peer received is parsed with mailparser.
 */
let t: TestApp;
let peer: SmtpPeer;
let a: TestTenant;
let b: TestTenant;
let wendy: TestAgent;
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

beforeAll(async () => {
  [t, peer] = await Promise.all([bootTestApp(), startSmtpPeer()]);
  [a, b] = await Promise.all([createTenant(t), createTenant(t)]);
  wendy = await createAgent(t, a, { permissions: [...PERMS], firstName: "Wendy" });
  inbox = await createEmailInbox(t, a.id, {
    from: "Acme Support <support@acme.test>",
    smtp: [peerServer(peer)],
    config: {
      aliases: ["sales@acme.test"],
      enable_plus_addressing: true,
      signature: "<p>Best regards,<br>{{agent.full_name}} &lt;{{agent.email}}&gt; — {{inbox.name}}</p>",
    },
  });
  contact = await createContact(t, a, { email: "casey@customer.test" });
});

afterAll(async () => {
  await t?.close();
  await peer?.close();
});

/** A conversation of the inbox whose customer wrote first, with the Message-ID of their mail. */
async function customerThread(subject = "Refund please") {
  const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id, subject });
  const [incoming] = await t.database.db
    .insert(messages)
    .values({
      tenantId: a.id,
      conversationId: conv.id,
      type: "incoming",
      status: "received",
      senderType: "contact",
      senderId: contact.id,
      content: "<p>Where is my refund?</p>",
      textContent: "Where is my refund?",
      sourceId: `<cust-${conv.id}@customer.test>`,
      createdAt: new Date(t.clock.now().getTime() - 60_000),
    })
    .returning();
  return { conv, incomingId: incoming!.sourceId! };
}

async function reply(convUuid: string, body: Record<string, unknown>, client = wendy.client) {
  const res = await client.post(path(convUuid), body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await t.queue.drain();
  return { view: res.body.data, row: await messageRow(t, res.body.data.uuid) };
}

describe("message.deliver", () => {
  it("takes a reply pending → sending → sent, with events in order, recipients and its Message-ID stored", async () => {
    const { conv } = await customerThread();
    const before = t.published.length;
    const res = await wendy.client.post(path(conv.uuid), {
      message: "<p>Your refund is on its way.</p>",
      cc: ["boss@customer.test"],
    });
    expect(res.status).toBe(201);
    expect(res.body.data.status).toBe("pending");
    await t.queue.drain();
    const uuid = res.body.data.uuid;
    const row = await messageRow(t, uuid);
    expect(row.status).toBe("sent");
    expect(row.sourceId).toBe(`<${uuid}@acme.test>`);
    expect(row.meta).toMatchObject({
      to: ["casey@customer.test"],
      cc: ["boss@customer.test"],
      recipients: { accepted: ["casey@customer.test", "boss@customer.test"], rejected: [] },
    });
    expect(row.meta).not.toHaveProperty("pending_delivery");
    expect(row.meta.delivery).toMatchObject({ attempts: 1, lease_until: null });
    // Realtime saw the message appear, then each committed status change, in order.
    const mine = t.published.slice(before).filter((e) => "messageUuid" in e && e.messageUuid === uuid);
    expect(mine.map((e) => (e.type === "message_update" ? e.changes.status : e.type))).toEqual([
      "new_message",
      "sending",
      "sent",
    ]);
    const mail = await mailWithId(peer, `<${uuid}@acme.test>`);
    expect(mail.envelopeTo.sort()).toEqual(["boss@customer.test", "casey@customer.test"]);
    // The API shows the delivered state too.
    const view = (await wendy.client.get(`${path(conv.uuid)}/${uuid}`)).body.data;
    expect(view).toMatchObject({
      status: "sent",
      meta: { recipients: { accepted: ["casey@customer.test", "boss@customer.test"] } },
    });
  });

  it("threads the reply: Subject, Message-ID, In-Reply-To/References, Reply-To plus address, From with the agent's name", async () => {
    const { conv, incomingId } = await customerThread("Refund please");
    const first = await reply(conv.uuid, { message: "<p>First answer</p>" });
    const mail1 = await mailWithId(peer, first.row.sourceId!);
    expect(mail1.subject).toBe(`Re: Refund please [#${conv.referenceNumber}]`);
    expect(mail1.inReplyTo).toBe(incomingId);
    expect(mail1.references).toBe(incomingId);
    expect(mail1.from!.value).toEqual([{ name: "Wendy Smith", address: "support@acme.test" }]);
    expect(mail1.replyTo!.value).toEqual([{ name: "", address: `support+${conv.uuid}@acme.test` }]);
    expect(mail1.to).toMatchObject({ value: [{ address: "casey@customer.test" }] });

    const second = await reply(conv.uuid, { message: "<p>Second answer</p>" });
    const mail2 = await mailWithId(peer, second.row.sourceId!);
    expect(mail2.inReplyTo).toBe(first.row.sourceId);
    expect(mail2.references).toEqual([incomingId, first.row.sourceId]);
    expect(mail2.subject).toBe(`Re: Refund please [#${conv.referenceNumber}]`);
  });

  it("never doubles Re: or the reference tag", async () => {
    const conv = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id, subject: "RE: Order" });
    const tagged = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id, subject: "x" });
    await t.database.db
      .update(conversations)
      .set({ subject: `Re: Order [#${tagged.referenceNumber}]` })
      .where(eq(conversations.id, tagged.id));
    const one = await reply(conv.uuid, { message: "<p>a</p>" });
    const two = await reply(tagged.uuid, { message: "<p>b</p>" });
    expect((await mailWithId(peer, one.row.sourceId!)).subject).toBe(`RE: Order [#${conv.referenceNumber}]`);
    expect((await mailWithId(peer, two.row.sourceId!)).subject).toBe(`Re: Order [#${tagged.referenceNumber}]`);
  });

  it("sends from an alias of the inbox (display name = agent), and refuses an address that is not one", async () => {
    const { conv } = await customerThread();
    const sent = await reply(conv.uuid, { message: "<p>From sales</p>", from: "Sales Team <Sales@acme.test>" });
    const mail = await mailWithId(peer, sent.row.sourceId!);
    expect(mail.from!.value).toEqual([{ name: "Wendy Smith", address: "sales@acme.test" }]);
    // The Message-ID's domain stays the inbox's (threading contract), whatever alias sent it.
    expect(sent.row.sourceId).toBe(`<${sent.view.uuid}@acme.test>`);
    const count = peer.received.length;
    const refused = await wendy.client.post(path(conv.uuid), { message: "<p>x</p>", from: "ceo@elsewhere.test" });
    expect(refused.status).toBe(400);
    expect(refused.body.data.message).toMatch(/^from: /);
    await t.queue.drain();
    expect(peer.received.length).toBe(count);
  });

  it("appends the inbox signature (placeholders filled, HTML-escaped) to the HTML and the text alternative", async () => {
    const { conv } = await customerThread();
    const sent = await reply(conv.uuid, { message: "<p>Body text</p>" });
    const mail = await mailWithId(peer, sent.row.sourceId!);
    const inboxName = inbox.name;
    expect(mail.html).toContain("Body text");
    expect(mail.html).toContain(`Best regards,<br />Wendy Smith &lt;${wendy.email}&gt; — ${inboxName}`);
    expect(mail.text).toContain("Body text");
    expect(mail.text).toContain(`-- \nBest regards, Wendy Smith <${wendy.email}> — ${inboxName}`);
    // The signature is added on the way out, not stored in the message.
    expect(sent.row.content).not.toContain("Best regards");
  });

  it("attaches the message's files with their bytes, and embeds inline upload images as CID parts", async () => {
    const { conv } = await customerThread();
    const pdfBytes = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(4000, 7), Buffer.from("\n%%EOF\n")]);
    const pdf = await upload(t, a.id, wendy.id, {
      filename: "invoice.pdf",
      contentType: "application/pdf",
      bytes: pdfBytes,
    });
    const image = await upload(t, a.id, wendy.id, {
      filename: "screen.png",
      contentType: "image/png",
      bytes: PNG,
      inline: true,
    });
    const sent = await reply(conv.uuid, {
      message: `<p>See below</p><p><img src="https://${a.host}/uploads/${image.uuid}?exp=99&amp;sig=abc" alt="shot"></p>`,
      attachments: [{ media_uuid: pdf.uuid }],
    });
    // The inline upload was attached to the message by the reply, so it is kept with it.
    expect(sent.view.attachments.map((f: { uuid: string }) => f.uuid).sort()).toEqual([pdf.uuid, image.uuid].sort());
    const mail = await mailWithId(peer, sent.row.sourceId!);
    const file = mail.attachments.find((f) => f.filename === "invoice.pdf")!;
    expect(Buffer.compare(file.content, pdfBytes)).toBe(0);
    expect(file.contentDisposition).toBe("attachment");
    const inline = mail.attachments.find((f) => f.cid === `${image.uuid}@acme.test`)!;
    expect(inline).toBeDefined();
    expect(inline.contentDisposition).toBe("inline");
    expect(Buffer.compare(inline.content, PNG)).toBe(0);
    expect(mail.html).toContain(`src="cid:${image.uuid}@acme.test"`);
    expect(mail.html).not.toContain("/uploads/");
  });

  it("never embeds another workspace's media, even when the HTML names its uuid", async () => {
    const { conv } = await customerThread();
    const convB = await createConversation(t, b, {});
    const [msgB] = await t.database.db
      .insert(messages)
      .values({ tenantId: b.id, conversationId: convB.id, type: "incoming", status: "received", senderType: "contact" })
      .returning();
    const foreign = await upload(t, b.id, b.adminId, {
      filename: "secret.png",
      contentType: "image/png",
      bytes: PNG,
      inline: true,
    });
    await t.database.db.update(media).set({ messageId: msgB!.id }).where(eq(media.uuid, foreign.uuid));
    const sent = await reply(conv.uuid, { message: `<p>x</p><img src="/uploads/${foreign.uuid}">` });
    expect(sent.view.attachments).toEqual([]);
    const mail = await mailWithId(peer, sent.row.sourceId!);
    expect(mail.attachments).toEqual([]);
    const [still] = await t.database.db
      .select({ messageId: media.messageId })
      .from(media)
      .where(eq(media.uuid, foreign.uuid));
    expect(still!.messageId).toBe(msgB!.id);
  });

  it("does nothing for a queue message naming another workspace's message, a private note or a sent message", async () => {
    const { conv } = await customerThread();
    const note = (await wendy.client.post(path(conv.uuid), { message: "<p>internal</p>", private: true })).body.data;
    await t.queue.drain();
    const [pending] = await t.database.db
      .insert(messages)
      .values({
        tenantId: a.id,
        conversationId: conv.id,
        type: "outgoing",
        status: "pending",
        senderType: "agent",
        senderId: wendy.id,
        content: "<p>p</p>",
        meta: { to: ["casey@customer.test"], cc: [], bcc: [] },
      })
      .returning();
    const count = peer.received.length;
    await t.queue.send({ type: "message.deliver", tenantId: b.id, messageId: pending!.id });
    await t.queue.send({ type: "message.deliver", tenantId: a.id, messageId: (await messageRow(t, note.uuid)).id });
    await t.queue.drain();
    expect(peer.received.length).toBe(count);
    expect((await messageRow(t, pending!.uuid)).status).toBe("pending");
    expect((await messageRow(t, note.uuid)).status).toBe("sent");
    // Delivered for its own workspace, then a duplicate queue message sends nothing more.
    await t.queue.send({ type: "message.deliver", tenantId: a.id, messageId: pending!.id });
    await t.queue.drain();
    await t.queue.send({ type: "message.deliver", tenantId: a.id, messageId: pending!.id });
    await t.queue.drain();
    expect(peer.received.length).toBe(count + 1);
    expect((await messageRow(t, pending!.uuid)).status).toBe("sent");
  });

  it("sends once when two deliveries of the same message run at the same time", async () => {
    const { conv } = await customerThread();
    peer.delayMs = 300;
    try {
      const res = await wendy.client.post(path(conv.uuid), { message: "<p>only once</p>" });
      const id = (await messageRow(t, res.body.data.uuid)).id;
      await t.queue.send({ type: "message.deliver", tenantId: a.id, messageId: id });
      await t.queue.send({ type: "message.deliver", tenantId: a.id, messageId: id });
      await t.queue.drain();
      const row = await messageRow(t, res.body.data.uuid);
      expect(row.status).toBe("sent");
      expect(peer.received.filter((m) => m.raw.includes(row.sourceId!)).length).toBe(1);
      expect(statusEvents(t, res.body.data.uuid)).toEqual(["sending", "sent"]);
    } finally {
      peer.delayMs = 0;
    }
  });

  it("resumes after a crash: the sweep delivers what was left pending, and a sending message once its lease ran out", async () => {
    const { conv } = await customerThread();
    const leaseUntil = new Date(t.clock.now().getTime() + 3600_000);
    const leased = { attempts: 1, claim: "dead-run", lease_until: leaseUntil.toISOString() };
    const rows = await t.database.db
      .insert(messages)
      .values([
        {
          tenantId: a.id,
          conversationId: conv.id,
          type: "outgoing" as const,
          status: "sending" as const,
          senderType: "agent" as const,
          senderId: wendy.id,
          content: "<p>mid-send</p>",
          sourceId: "<crashed@acme.test>",
          meta: { to: ["casey@customer.test"], cc: [], bcc: [], delivery: leased },
        },
        {
          tenantId: a.id,
          conversationId: conv.id,
          type: "outgoing" as const,
          status: "pending" as const,
          senderType: "agent" as const,
          senderId: wendy.id,
          content: "<p>never started</p>",
          meta: { to: ["casey@customer.test"], cc: [], bcc: [] },
        },
      ])
      .returning();
    const jobOf = (r: { id: number }) => ({ type: "message.deliver", tenantId: a.id, messageId: r.id });
    // A live lease is respected: a delivery run now leaves the message to its holder (maybe another process).
    await t.queue.send({ type: "message.deliver", tenantId: a.id, messageId: rows[0]!.id });
    await t.queue.drain();
    expect((await messageRow(t, rows[0]!.uuid)).status).toBe("sending");
    const { undeliveredMessages } = await import("@helperiq/core/mail-out/resume");
    const now = await undeliveredMessages(t.database.db, t.clock.now());
    expect(now).toContainEqual(jobOf(rows[1]!));
    expect(now).not.toContainEqual(jobOf(rows[0]!));
    // Once the lease has run out, the run holding it is taken for dead.
    const later = await undeliveredMessages(t.database.db, new Date(leaseUntil.getTime() + 1));
    expect(later).toEqual(expect.arrayContaining(rows.map(jobOf)));
    await t.database.db
      .update(messages)
      .set({
        meta: {
          to: ["casey@customer.test"],
          cc: [],
          bcc: [],
          delivery: { ...leased, lease_until: new Date(t.clock.now().getTime() - 1000).toISOString() },
        },
      })
      .where(eq(messages.id, rows[0]!.id));
    for (const job of await undeliveredMessages(t.database.db, t.clock.now())) await t.queue.send(job);
    await t.queue.drain();
    const [crashed, fresh] = await Promise.all(rows.map((r) => messageRow(t, r.uuid)));
    expect(crashed!.status).toBe("sent");
    // The Message-ID of the first try is kept, so the receiving side can tell a resend.
    expect(crashed!.sourceId).toBe("<crashed@acme.test>");
    expect(crashed!.meta.delivery).toMatchObject({ attempts: 2 });
    expect(fresh!.status).toBe("sent");
    await mailWithId(peer, "<crashed@acme.test>");
  });

  it("marks a live-chat reply sent without email (the widget got it in realtime)", async () => {
    const [chat] = await t.database.db
      .insert((await import("@helperiq/core/schema")).inboxes)
      .values({ tenantId: a.id, name: "Chat", channel: "livechat" })
      .returning();
    const conv = await createConversation(t, a, { inboxId: chat!.id, contactId: contact.id });
    const count = peer.received.length;
    const sent = await reply(conv.uuid, { message: "<p>Hi from chat</p>", set_status: "Resolved" });
    expect(sent.row.status).toBe("sent");
    expect(statusEvents(t, sent.view.uuid)).toEqual(["sent"]);
    expect(peer.received.length).toBe(count);
    const [row] = await t.database.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, conv.id)));
    expect(row!.resolvedAt).not.toBeNull();
  });
});
