import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { conversations, mailImports, media, messages, statuses, users } from "@helperiq/core/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { startDovecot, type Dovecot } from "../support/dovecot.ts";
import { createContact, createTenant, type TestTenant } from "../support/factories.ts";
import { fixture, mailInbox, poll, simpleMail, type MailInbox } from "./imap-helpers.ts";

/**
 * IMAP ingestion against a real Dovecot: hand-written MIME samples are APPENDed, one poll imports them,
 * and the conversations, messages, contacts and media they became are read back from the database and API.
 */
let t: TestApp;
let dovecot: Dovecot;
let tenant: TestTenant;

beforeAll(async () => {
  [t, dovecot] = await Promise.all([bootTestApp(), startDovecot()]);
  tenant = await createTenant(t);
});

afterAll(async () => {
  await Promise.all([t?.close(), dovecot?.stop()]);
});

const db = () => t.database.db;

async function conversationsOf(inboxId: number) {
  return db()
    .select({
      id: conversations.id,
      uuid: conversations.uuid,
      ref: conversations.referenceNumber,
      subject: conversations.subject,
      contactId: conversations.contactId,
      status: statuses.name,
      waitingSince: conversations.waitingSince,
      lastMessage: conversations.lastMessage,
    })
    .from(conversations)
    .innerJoin(statuses, eq(statuses.id, conversations.statusId))
    .where(eq(conversations.inboxId, inboxId))
    .orderBy(asc(conversations.id));
}

async function messagesOf(conversationId: number) {
  return db().select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.id));
}

async function ledger(inboxId: number) {
  return db().select().from(mailImports).where(eq(mailImports.inboxId, inboxId)).orderBy(asc(mailImports.uid));
}

/** What the SMTP delivery job does to an agent's reply: gives it the contract's Message-ID and marks it sent. */
async function agentReply(conversationUuid: string, text: string) {
  const res = await tenant.admin.post(`/api/v1/conversations/${conversationUuid}/messages`, {
    message: `<p>${text}</p>`,
  });
  expect(res.status).toBe(201);
  const uuid: string = res.body.data.uuid;
  const sourceId = `<${uuid}@acme.test>`;
  await db().update(messages).set({ sourceId, status: "sent" }).where(eq(messages.uuid, uuid));
  return sourceId;
}

describe("one message becomes a conversation", () => {
  it("imports HTML + text mail: contact by lower-cased email, Open conversation waiting, sanitised HTML, Message-ID, meta, events", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, fixture("html-alternative.eml", { INBOX: c.address }));
    const published = t.published.length;
    const result = await poll(t, c.inbox);
    expect(result).toMatchObject({ status: "done", imported: 1, skipped: 0, failed: 0, more: false });

    const [conv] = await conversationsOf(c.inbox.id);
    expect(conv).toMatchObject({ subject: "Order #10045 arrived damaged", status: "Open" });
    expect(conv!.waitingSince).toBeInstanceOf(Date);
    const [contact] = await db().select().from(users).where(eq(users.id, conv!.contactId));
    expect(contact).toMatchObject({
      type: "contact",
      email: "maria.gonzalez@customer.example",
      firstName: "Maria",
      lastName: "Gonzalez",
      tenantId: tenant.id,
    });

    const [msg] = await messagesOf(conv!.id);
    expect(msg).toMatchObject({
      type: "incoming",
      status: "received",
      senderType: "contact",
      senderId: contact!.id,
      contentType: "html",
      sourceId: "<CAH7x9Qm1d2kPz=ab+c0FfE8d@mail.customer.example>",
    });
    expect(msg!.content).toContain("<b>#10045</b>");
    expect(msg!.content).not.toMatch(/script|onerror|alert/);
    expect(msg!.textContent).toContain("María");
    expect(msg!.meta).toMatchObject({
      from: "Maria Gonzalez <maria.gonzalez@customer.example>",
      to: [c.address],
      cc: [],
      subject: "Order #10045 arrived damaged",
      in_reply_to: null,
    });
    expect(conv!.lastMessage).toContain("My order #10045 arrived");

    const events = t.published
      .slice(published)
      .filter((e) => "conversationUuid" in e && e.conversationUuid === conv!.uuid);
    expect(events.map((e) => e.type)).toEqual(["new_conversation", "new_message"]);

    // The agent API shows it like any other message.
    const listed = await tenant.admin.get(`/api/v1/conversations/${conv!.uuid}/messages`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain("arrived today");
  });

  it("stores attachments as media of the message and lists them in the API", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, fixture("attachments.eml", { INBOX: c.address }));
    expect((await poll(t, c.inbox)).imported).toBe(1);
    const [conv] = await conversationsOf(c.inbox.id);
    const [msg] = await messagesOf(conv!.id);
    expect(msg).toMatchObject({ contentType: "text" });
    expect(msg!.content).toContain("attached are the invoice");
    const files = await db().select().from(media).where(eq(media.messageId, msg!.id)).orderBy(asc(media.id));
    expect(files.map((f) => [f.filename, f.inline, f.tenantId])).toEqual([
      ["invoice-2026-118.pdf", false, tenant.id],
      ["orders.csv", false, tenant.id],
    ]);
    const csv = await t.blobs.get(files[1]!.storageKey);
    expect(Buffer.from(csv!.body).toString()).toBe("order,sku,qty\n10045,SKU-RED-M,2\n10045,SKU-BLU-L,1\n");
    const listed = await tenant.admin.get(`/api/v1/conversations/${conv!.uuid}/messages`);
    const list: { uuid: string }[] = listed.body.data.results ?? listed.body.data;
    const view: any = list.find((m) => m.uuid === msg!.uuid);
    expect(view.attachments.map((a: { filename: string }) => a.filename)).toEqual([
      "invoice-2026-118.pdf",
      "orders.csv",
    ]);
  });

  it.each([
    ["inline-image.eml", "error-shot@fischer.example", "error.png"],
    ["inline-image-no-disposition.eml", "logo123", "attachment-1.png"],
  ])(
    "keeps the inline image of %s as inline media and points the HTML at its /uploads URL",
    async (name, cid, filename) => {
      const c = await mailInbox(t, dovecot, tenant.id);
      await dovecot.append(c.server, fixture(name, { INBOX: c.address }));
      expect((await poll(t, c.inbox)).imported).toBe(1);
      const [conv] = await conversationsOf(c.inbox.id);
      const [msg] = await messagesOf(conv!.id);
      const [image] = await db().select().from(media).where(eq(media.messageId, msg!.id));
      expect(image).toMatchObject({ inline: true, contentId: cid, filename });
      expect(msg!.content).toContain(`src="/uploads/${image!.uuid}"`);
      expect(msg!.content.toLowerCase()).not.toContain("cid:");
      const stored = await t.blobs.get(image!.storageKey);
      expect(Buffer.from(stored!.body).subarray(1, 4).toString()).toBe("PNG");
    },
  );

  it.each([
    ["iso-8859-1.eml", "Problème de livraison à Orléans", "Le colis n'est pas arrivé à Orléans", "François", "Lefèvre"],
    [
      "windows-1252.eml",
      "Refund of €50 – “urgent”",
      "I was charged €50 twice – please refund the “duplicate” payment.",
      "Sean",
      "O'Brien",
    ],
    ["shift_jis.eml", "商品が届きません", "注文番号 10077 の商品がまだ届いていません。", "山田", "太郎"],
  ])("decodes %s into UTF-8 subject, text and sender name", async (name, subject, text, first, last) => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, fixture(name, { INBOX: c.address }));
    expect((await poll(t, c.inbox)).imported).toBe(1);
    const [conv] = await conversationsOf(c.inbox.id);
    expect(conv!.subject).toBe(subject);
    const [msg] = await messagesOf(conv!.id);
    expect(msg!.textContent).toContain(text);
    const [contact] = await db().select().from(users).where(eq(users.id, conv!.contactId));
    expect([contact!.firstName, contact!.lastName]).toEqual([first, last]);
  });

  it("imports a malformed message as far as it can be read (unclosed address and boundary, bad encodings)", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, fixture("malformed.eml", { INBOX: c.address }));
    expect((await poll(t, c.inbox)).imported).toBe(1);
    const [conv] = await conversationsOf(c.inbox.id);
    const [msg] = await messagesOf(conv!.id);
    expect(msg!.textContent).toContain("The printer still jams on page 2");
    const [contact] = await db().select().from(users).where(eq(users.id, conv!.contactId));
    expect(contact!.email).toBe("broken.sender@legacy.example");
    expect(await db().select().from(media).where(eq(media.messageId, msg!.id))).toHaveLength(1);
  });

  it("stores a 20 MB attachment byte for byte", { timeout: 180_000 }, async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const bytes = randomBytes(20 * 1024 * 1024);
    const b64 = bytes.toString("base64").replace(/.{76}/g, "$&\r\n");
    const raw = [
      "From: Big Sender <big@sender.example>",
      `To: ${c.address}`,
      "Subject: Full log archive",
      "Message-ID: <big-20mb@sender.example>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="big"',
      "",
      "--big",
      "Content-Type: text/plain; charset=us-ascii",
      "",
      "The archive is attached.",
      "--big",
      'Content-Type: application/octet-stream; name="logs.bin"',
      "Content-Transfer-Encoding: base64",
      'Content-Disposition: attachment; filename="logs.bin"',
      "",
      b64,
      "--big--",
      "",
    ].join("\r\n");
    await dovecot.append(c.server, raw);
    expect((await poll(t, c.inbox)).imported).toBe(1);
    const [conv] = await conversationsOf(c.inbox.id);
    const [msg] = await messagesOf(conv!.id);
    const [file] = await db().select().from(media).where(eq(media.messageId, msg!.id));
    expect(file).toMatchObject({ filename: "logs.bin", size: 20 * 1024 * 1024 });
    const stored = await t.blobs.get(file!.storageKey);
    const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
    expect(sha(stored!.body)).toBe(sha(bytes));
  });
});

describe("threading", () => {
  /** A customer's first mail, imported: its conversation. */
  async function firstMail(c: MailInbox) {
    await dovecot.append(c.server, fixture("html-alternative.eml", { INBOX: c.address }));
    await poll(t, c.inbox);
    return (await conversationsOf(c.inbox.id))[0]!;
  }

  it("by In-Reply-To (Apple Mail reply) and by References (Outlook reply, even from another sender)", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const conv = await firstMail(c);
    const ours = await agentReply(conv.uuid, "A replacement is on its way.");
    const first = "<CAH7x9Qm1d2kPz=ab+c0FfE8d@mail.customer.example>";
    await dovecot.append(
      c.server,
      fixture("apple-mail-reply.eml", {
        INBOX: c.address,
        SUBJECT: "Order damaged",
        IN_REPLY_TO: ours,
        REFERENCES: `${first} ${ours}`,
      }),
      // Outlook quoting only the customer's first mail in References, with an unknown In-Reply-To.
      fixture("outlook-reply.eml", {
        INBOX: c.address,
        SUBJECT: "Order damaged",
        IN_REPLY_TO: "<unknown@elsewhere.example>",
        REFERENCES: first,
      }),
    );
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 2, skipped: 0 });
    expect(await conversationsOf(c.inbox.id)).toHaveLength(1);
    const all = await messagesOf(conv.id);
    const incoming = all.filter((m) => m.type === "incoming");
    expect(incoming.map((m) => m.meta.thread)).toEqual(["new", "references", "references"]);
    expect(incoming[1]!.meta.in_reply_to).toBe(ours);
    expect(incoming[2]!.textContent).toContain("old VAT number");
    // Pieter (in Cc of the thread) is his own contact, and the sender of his message.
    const [pieter] = await db()
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.email, "pieter.devries@contoso.example")));
    expect(incoming[2]!.senderId).toBe(pieter!.id);
  });

  it("by the conversation's plus address, and by [#ref] in the subject — only for the conversation's own contact", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const conv = await firstMail(c);
    const [local, domain] = c.address.split("@");
    const plus = `${local}+${conv.uuid}@${domain}`;
    await dovecot.append(
      c.server,
      simpleMail({
        from: "MARIA.GONZALEZ@customer.example",
        to: plus,
        subject: "one more thing",
        messageId: "<plus-1@customer.example>",
      }),
      simpleMail({
        from: "Maria <maria.gonzalez@customer.example>",
        to: c.address,
        subject: `Re: Order damaged [#${conv.ref}]`,
        messageId: "<ref-1@customer.example>",
      }),
      simpleMail({
        from: "maria.gonzalez@customer.example",
        to: c.address,
        subject: `Question about #${conv.ref}`,
        messageId: "<ref-2@customer.example>",
      }),
      // Someone else using the same address or number starts their own conversation.
      simpleMail({
        from: "mallory@attacker.example",
        to: plus,
        subject: "hijack",
        messageId: "<plus-2@attacker.example>",
      }),
      simpleMail({
        from: "mallory@attacker.example",
        to: c.address,
        subject: `Re: [#${conv.ref}]`,
        messageId: "<ref-3@attacker.example>",
      }),
    );
    expect((await poll(t, c.inbox)).imported).toBe(5);
    const threaded = (await messagesOf(conv.id)).filter((m) => m.type === "incoming").map((m) => m.meta.thread);
    expect(threaded).toEqual(["new", "plus_address", "subject_reference", "subject_reference"]);
    const convs = await conversationsOf(c.inbox.id);
    expect(convs).toHaveLength(3);
    const [mallory] = await db()
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.email, "mallory@attacker.example")));
    expect(convs.slice(1).map((x) => x.contactId)).toEqual([mallory!.id, mallory!.id]);
  });

  it("a [#ref] of a conversation in another inbox does not thread", async () => {
    const a = await mailInbox(t, dovecot, tenant.id);
    const b = await mailInbox(t, dovecot, tenant.id);
    const conv = await firstMail(a);
    await dovecot.append(
      b.server,
      simpleMail({
        from: "maria.gonzalez@customer.example",
        to: b.address,
        subject: `[#${conv.ref}] again`,
        messageId: "<other-inbox@customer.example>",
      }),
    );
    await poll(t, b.inbox);
    expect(await conversationsOf(b.inbox.id)).toHaveLength(1);
    expect((await messagesOf(conv.id)).filter((m) => m.type === "incoming")).toHaveLength(1);
  });

  it("a customer's reply reopens a resolved conversation and starts its waiting time", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const conv = await firstMail(c);
    const ours = await agentReply(conv.uuid, "Done.");
    expect((await tenant.admin.put(`/api/v1/conversations/${conv.uuid}/status`, { status: "Resolved" })).status).toBe(
      200,
    );
    const published = t.published.length;
    await dovecot.append(
      c.server,
      simpleMail({
        from: "maria.gonzalez@customer.example",
        to: c.address,
        subject: "Re: Order",
        messageId: "<reopen@customer.example>",
        inReplyTo: ours,
      }),
    );
    await poll(t, c.inbox);
    const [after] = await conversationsOf(c.inbox.id);
    expect(after!.status).toBe("Open");
    expect(after!.waitingSince).toBeInstanceOf(Date);
    const update = t.published.slice(published).find((e) => e.type === "conversation_update");
    expect(update).toMatchObject({
      conversationUuid: conv.uuid,
      changes: { status: "Open", last_message_sender_type: "contact" },
    });
  });
});

describe("what is not imported, and loops", () => {
  it("skips mail from the inbox's own address and aliases, and our own outgoing mail seen again", async () => {
    const c = await mailInbox(t, dovecot, tenant.id, { config: { aliases: ["Billing <billing@acme.test>"] } });
    await dovecot.append(c.server, fixture("html-alternative.eml", { INBOX: c.address }));
    await poll(t, c.inbox);
    const [conv] = await conversationsOf(c.inbox.id);
    const ours = await agentReply(conv!.uuid, "Sent copy");
    await dovecot.append(
      c.server,
      simpleMail({
        from: `Acme Support <${c.address.toUpperCase()}>`,
        to: "someone@customer.example",
        subject: "From us",
        messageId: "<us-1@acme.test>",
      }),
      simpleMail({ from: "billing@acme.test", to: c.address, subject: "Alias", messageId: "<us-2@acme.test>" }),
      simpleMail({ from: "forwarder@customer.example", to: c.address, subject: "Re: Order", messageId: ours }),
    );
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 0, skipped: 3 });
    expect((await ledger(c.inbox.id)).map((r) => [r.status, r.reason])).toEqual([
      ["imported", null],
      ["skipped", "own_address"],
      ["skipped", "own_address"],
      ["skipped", "own_message"],
    ]);
    expect(await conversationsOf(c.inbox.id)).toHaveLength(1);
  });

  it("a blocked contact's new mail lands in Spam; their reply does not reopen a resolved conversation", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const blocked = await createContact(t, tenant, { email: "spammer@junk.example" });
    await db().update(users).set({ blocked: true }).where(eq(users.id, blocked.id));
    await dovecot.append(
      c.server,
      simpleMail({
        from: "Spammer@Junk.example",
        to: c.address,
        subject: "Cheap watches",
        messageId: "<spam-1@junk.example>",
      }),
    );
    await poll(t, c.inbox);
    const [conv] = await conversationsOf(c.inbox.id);
    expect(conv).toMatchObject({ status: "Spam", contactId: blocked.id });
    const spam = (await tenant.admin.get("/api/v1/conversations/spam")).body.data;
    expect((spam.results ?? spam).map((x: { uuid: string }) => x.uuid)).toContain(conv!.uuid);

    expect((await tenant.admin.put(`/api/v1/conversations/${conv!.uuid}/status`, { status: "Resolved" })).status).toBe(
      200,
    );
    await dovecot.append(
      c.server,
      simpleMail({
        from: "spammer@junk.example",
        to: c.address,
        subject: `Re: [#${conv!.ref}]`,
        messageId: "<spam-2@junk.example>",
      }),
    );
    await poll(t, c.inbox);
    const [after] = await conversationsOf(c.inbox.id);
    expect(after!.status).toBe("Resolved");
    expect((await messagesOf(conv!.id)).filter((m) => m.type === "incoming")).toHaveLength(2);
  });

  it("an auto-reply is kept in its thread without reopening it; one that threads nowhere starts nothing", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, fixture("html-alternative.eml", { INBOX: c.address }));
    await poll(t, c.inbox);
    const [conv] = await conversationsOf(c.inbox.id);
    const ours = await agentReply(conv!.uuid, "Resolved for you.");
    expect((await tenant.admin.put(`/api/v1/conversations/${conv!.uuid}/status`, { status: "Resolved" })).status).toBe(
      200,
    );
    const [before] = await conversationsOf(c.inbox.id);
    await dovecot.append(
      c.server,
      fixture("auto-reply.eml", { INBOX: c.address, SUBJECT: "Order damaged", IN_REPLY_TO: ours, REFERENCES: ours }),
      fixture("auto-reply.eml", {
        INBOX: c.address,
        SUBJECT: "Something else",
        IN_REPLY_TO: "<nothing@acme.test>",
        REFERENCES: "<nothing@acme.test>",
      })
        .toString("latin1")
        .replace("auto.20261123170001.4421", "auto-2"),
      simpleMail({
        from: "news@list.example",
        to: c.address,
        subject: "Weekly digest",
        messageId: "<digest@list.example>",
        headers: { Precedence: "bulk" },
      }),
      simpleMail({
        from: "bot@vacation.example",
        to: c.address,
        subject: "Away",
        messageId: "<away@vacation.example>",
        headers: { "X-Autorespond": "yes" },
      }),
    );
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 1, skipped: 3 });
    const [after] = await conversationsOf(c.inbox.id);
    expect(after).toMatchObject({ status: "Resolved" });
    expect(after!.waitingSince).toEqual(before!.waitingSince);
    const auto = (await messagesOf(conv!.id)).at(-1)!;
    expect(auto).toMatchObject({ type: "incoming", meta: expect.objectContaining({ auto_reply: true }) });
    expect(await conversationsOf(c.inbox.id)).toHaveLength(1);
    expect((await ledger(c.inbox.id)).slice(1).map((r) => [r.status, r.reason])).toEqual([
      ["imported", "auto_reply"],
      ["skipped", "auto_reply_unmatched"],
      ["skipped", "auto_reply_unmatched"],
      ["skipped", "auto_reply_unmatched"],
    ]);
  });

  it("a DSN bounce of our reply becomes an activity in its conversation; an unrelated bounce is dropped", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, fixture("html-alternative.eml", { INBOX: c.address }));
    await poll(t, c.inbox);
    const [conv] = await conversationsOf(c.inbox.id);
    const ours = await agentReply(conv!.uuid, "Please confirm your address.");
    const [before] = await conversationsOf(c.inbox.id);
    await dovecot.append(
      c.server,
      fixture("dsn-bounce.eml", { INBOX: c.address, SUBJECT: "Order", BOUNCED: ours }),
      fixture("dsn-bounce.eml", { INBOX: c.address, SUBJECT: "Other", BOUNCED: "<unknown@acme.test>" })
        .toString("latin1")
        .replace("9F2C41A0B3@mx", "other@mx"),
      simpleMail({
        from: "postmaster@customer.example",
        to: c.address,
        subject: "Delivery problem",
        messageId: "<pm@customer.example>",
      }),
    );
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 1, skipped: 2 });
    const last = (await messagesOf(conv!.id)).at(-1)!;
    expect(last).toMatchObject({
      type: "activity",
      senderType: "system",
      meta: expect.objectContaining({ activity: "email_bounce", bounced_message_id: ours }),
    });
    expect(last.textContent).toContain("5.1.1");
    const [after] = await conversationsOf(c.inbox.id);
    expect(after).toMatchObject({ status: before!.status, waitingSince: before!.waitingSince });
    expect(await conversationsOf(c.inbox.id)).toHaveLength(1);
    expect((await ledger(c.inbox.id)).slice(1).map((r) => r.reason)).toEqual([
      "bounce",
      "bounce_unmatched",
      "bounce_unmatched",
    ]);
  });

  it("the same Message-ID under another UID is imported once; contacts are per workspace", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const raw = fixture("html-alternative.eml", { INBOX: c.address });
    await dovecot.append(c.server, raw, raw);
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 1, skipped: 1 });
    // Another workspace receiving the same mail gets its own contact and conversation.
    const other = await createTenant(t);
    const o = await mailInbox(t, dovecot, other.id);
    await dovecot.append(o.server, fixture("html-alternative.eml", { INBOX: o.address }));
    expect((await poll(t, o.inbox)).imported).toBe(1);
    const contacts = await db()
      .select({ tenantId: users.tenantId })
      .from(users)
      .where(eq(users.email, "maria.gonzalez@customer.example"));
    expect(contacts.map((x) => x.tenantId)).toEqual(expect.arrayContaining([tenant.id, other.id]));
    const [theirs] = await conversationsOf(o.inbox.id);
    const [contact] = await db().select().from(users).where(eq(users.id, theirs!.contactId));
    expect(contact!.tenantId).toBe(other.id);
  });
});
