import { recordCustomerMessage } from "@helperiq/core/conversation/incoming";
import { seal } from "@helperiq/core/crypto/secret-box";
import { transaction, within } from "@helperiq/core/db/transaction";
import { readEmailInbox } from "@helperiq/core/inbox/email-config";
import { normalizeLivechatConfig } from "@helperiq/core/inbox/livechat-config";
import { parseMail } from "@helperiq/core/mail-in/parse";
import { importMail } from "@helperiq/core/mail-in/write";
import type { DomainEvent } from "@helperiq/core/port/events";
import { conversations, inboxes, messages, users } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, TEST_IP_HEADER, type TestApp } from "../support/app.ts";
import { createEmailInbox } from "../support/email-inbox.ts";
import {
  createAgent,
  createConversation,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

/**
 * A customer's message moves its conversation the same way whatever the channel: mail (mail-in/write.ts),
 * the chat widget (widget/conversations.ts) and an agent recording it all go through
 * conversation/incoming.ts. Each scenario runs on both channels, with the same text at the same instants,
 * and compares what clients are told (the events, `conversation_update`'s changes included) and what the
 * conversation row holds.
 */

const SHOP = "https://shop.example.com";
const W = "/api/v1/widget/chat";
const MINUTE = 60_000;
const CARD_TEXT = "Please charge my card 4916338064743866, exp 06/29, cvv 281.";

let t: TestApp;
let a: TestTenant;
let agent: TestAgent;
let mailInbox: { id: number; from: string };
let chatInbox: { id: number; uuid: string };
let seq = 0;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  agent = await createAgent(t, a, {
    permissions: ["conversations:read", "conversations:read_all", "conversations:update_status", "messages:read"],
  });
  mailInbox = await createEmailInbox(t, a.id, { from: "Support <support@shop.test>" });
  const [chat] = await t.database.db
    .insert(inboxes)
    .values({
      tenantId: a.id,
      name: "Website chat",
      channel: "livechat",
      enabled: true,
      config: normalizeLivechatConfig({ allowed_domains: ["shop.example.com"] }),
      secrets: seal(t.secrets, JSON.stringify({ site_secret: "site-secret-of-the-shop-0123456789" })),
    })
    .returning({ id: inboxes.id, uuid: inboxes.uuid });
  chatInbox = chat!;
});
afterAll(() => t.close());

/** One customer on one channel: `write` sends their next message (the first one opens the conversation). */
type Customer = {
  channel: string;
  contactId: () => Promise<number>;
  write(text: string): Promise<void>;
  uuid(): string;
};

/** A customer who mails the email inbox; each mail after the first replies to the previous one. */
function mailCustomer(): Customer {
  const address = `casey${++seq}@customer.test`;
  let previous: string | null = null;
  let conversationUuid = "";
  return {
    channel: "mail",
    contactId: async () =>
      (await t.database.db.select({ id: users.id }).from(users).where(eq(users.email, address)))[0]!.id,
    uuid: () => conversationUuid,
    async write(text) {
      const id = `<m${++seq}@customer.test>`;
      const headers = [
        `From: Casey <${address}>`,
        `To: ${mailInbox.from}`,
        "Subject: Where is my order?",
        `Message-ID: ${id}`,
      ];
      if (previous) headers.push(`In-Reply-To: ${previous}`, `References: ${previous}`);
      const raw = new TextEncoder().encode(
        `${headers.join("\r\n")}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`,
      );
      const inbox = (await readEmailInbox(t.database.db, t.secrets, a.id, mailInbox.id))!;
      const mail = await parseMail(raw);
      // As the poller runs it: the import in a transaction whose commit publishes the events.
      const scope = { db: t.database.db, events: t.jobs.events, queue: t.queue };
      const outcome = await transaction(scope, (tx, after) =>
        importMail(within(scope, tx, after), t.blobs, inbox, mail, t.clock.now()),
      );
      if (outcome.status !== "imported") throw new Error(`mail not imported: ${JSON.stringify(outcome)}`);
      const [row] = await t.database.db
        .select({ uuid: conversations.uuid })
        .from(conversations)
        .where(eq(conversations.id, outcome.conversationId));
      conversationUuid = row!.uuid;
      previous = id;
    },
  };
}

/** An anonymous visitor of the shop's page, chatting through the widget API. */
function chatCustomer(): Customer {
  const ip = `203.0.113.${++seq}`;
  let token: string | undefined;
  let conversationUuid = "";
  let contactId = 0;
  const post = (path: string, body: unknown) =>
    new Client(t, a.host, token ? { bearer: token } : {}).request(
      "POST",
      `${W}${path}?inbox_id=${chatInbox.uuid}`,
      body,
      { origin: SHOP, [TEST_IP_HEADER]: ip },
    );
  return {
    channel: "widget",
    contactId: async () => contactId,
    uuid: () => conversationUuid,
    async write(text) {
      const res = conversationUuid
        ? await post(`/conversations/${conversationUuid}/message`, { message: text })
        : await post("/conversations/init", { message: text });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      if (!conversationUuid) {
        token = res.body.data.session_token;
        conversationUuid = res.body.data.conversation.uuid;
        contactId = res.body.data.user.user_id;
      }
    },
  };
}

/** The events one step published, conversation and message ids replaced by what they stand for. */
async function step(customer: Customer, text: string) {
  const before = t.published.length;
  await customer.write(text);
  const uuid = customer.uuid();
  return t.published.slice(before).map((e: DomainEvent) => {
    expect("conversationUuid" in e && e.conversationUuid).toBe(uuid);
    const {
      tenantId: _tenant,
      conversationUuid: _conversation,
      ...rest
    } = e as DomainEvent & { conversationUuid: string };
    return "messageUuid" in rest ? { ...rest, messageUuid: "<the message>" } : rest;
  });
}

/** What the customer's message leaves on the conversation row. */
async function state(customer: Customer) {
  const [row] = await t.database.db
    .select({
      statusId: conversations.statusId,
      lastMessage: conversations.lastMessage,
      lastMessageAt: conversations.lastMessageAt,
      lastMessageSenderType: conversations.lastMessageSenderType,
      lastInteractionAt: conversations.lastInteractionAt,
      waitingSince: conversations.waitingSince,
      snoozedUntil: conversations.snoozedUntil,
      resolvedAt: conversations.resolvedAt,
    })
    .from(conversations)
    .where(eq(conversations.uuid, customer.uuid()));
  return row!;
}

async function lastMessageMeta(customer: Customer) {
  const [conversation] = await t.database.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.uuid, customer.uuid()));
  const rows = await t.database.db
    .select({ meta: messages.meta, type: messages.type })
    .from(messages)
    .where(eq(messages.conversationId, conversation!.id));
  return rows.filter((r) => r.type === "incoming").at(-1)!.meta;
}

/** Runs `scenario` for a mail customer and a chat customer at the same instants; answers both runs. */
async function onBothChannels<T>(scenario: (customer: Customer) => Promise<T>): Promise<[T, T]> {
  const start = t.clock.now().getTime();
  const mail = await scenario(mailCustomer());
  const elapsed = t.clock.now().getTime() - start;
  // Back to the same instant (the test clock only moves forward: jump the other way round by a day's offset).
  t.clock.advance(24 * 60 * MINUTE - elapsed);
  const startChat = t.clock.now().getTime();
  const chat = await scenario(chatCustomer());
  return [mail, normalizeTimes(chat, startChat - start) as T];
}

/** `value` with every ISO time and Date moved back by `offset` ms, so two runs a day apart compare equal. */
function normalizeTimes(value: unknown, offset: number): unknown {
  if (value instanceof Date) return new Date(value.getTime() - offset);
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value))
    return new Date(Date.parse(value) - offset).toISOString();
  if (Array.isArray(value)) return value.map((v) => normalizeTimes(v, offset));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeTimes(v, offset)]));
  return value;
}

const put = (uuid: string, body: unknown) => agent.client.put(`/api/v1/conversations/${uuid}/status`, body);

describe("a customer's message, by mail and by chat", () => {
  it("opens a conversation the same way: Open, waiting from now, their words as the preview", async () => {
    const [mail, chat] = await onBothChannels(async (customer) => {
      const events = await step(customer, "Hello, where is my order?");
      return { events, state: await state(customer) };
    });
    expect(mail.events).toEqual([{ type: "new_conversation" }, { type: "new_message", messageUuid: "<the message>" }]);
    expect(chat).toEqual(mail);
    expect(mail.state).toMatchObject({ lastMessage: "Hello, where is my order?", lastMessageSenderType: "contact" });
    expect(mail.state.waitingSince).toEqual(mail.state.lastInteractionAt);
  });

  it("reopens a snoozed conversation and starts waiting again, with the same changes for clients", async () => {
    const [mail, chat] = await onBothChannels(async (customer) => {
      await step(customer, "Hello, where is my order?");
      expect((await put(customer.uuid(), { status: "Snoozed", snoozed_until: "3d" })).status).toBe(200);
      // An agent's reply ends the wait.
      await t.database.db
        .update(conversations)
        .set({ waitingSince: null })
        .where(eq(conversations.uuid, customer.uuid()));
      t.clock.advance(5 * MINUTE);
      const events = await step(customer, "Any news?");
      return { events, state: await state(customer) };
    });
    const now = mail.state.lastMessageAt!.toISOString();
    expect(mail.events).toEqual([
      { type: "new_message", messageUuid: "<the message>" },
      {
        type: "conversation_update",
        changes: {
          last_message: "Any news?",
          last_message_at: now,
          last_message_sender_type: "contact",
          last_interaction_at: now,
          waiting_since: now,
          status: "Open",
          snoozed_until: null,
        },
      },
    ]);
    expect(chat).toEqual(mail);
    expect(mail.state).toMatchObject({ snoozedUntil: null, waitingSince: mail.state.lastMessageAt });
  });

  it("keeps an earlier wait and reopens a resolved conversation", async () => {
    const [mail, chat] = await onBothChannels(async (customer) => {
      await step(customer, "Hello, where is my order?");
      expect((await put(customer.uuid(), { status: "Resolved" })).status).toBe(200);
      t.clock.advance(5 * MINUTE);
      const events = await step(customer, "It has still not arrived.");
      return { events, state: await state(customer) };
    });
    expect(mail.events[1]).toMatchObject({ type: "conversation_update", changes: { status: "Open" } });
    expect(mail.events[1]).not.toHaveProperty("changes.waiting_since");
    expect(chat).toEqual(mail);
  });

  it("never reopens, nor makes wait, a conversation for a blocked contact's message", async () => {
    const [mail, chat] = await onBothChannels(async (customer) => {
      await step(customer, "Hello, where is my order?");
      expect((await put(customer.uuid(), { status: "Resolved" })).status).toBe(200);
      await t.database.db
        .update(conversations)
        .set({ waitingSince: null })
        .where(eq(conversations.uuid, customer.uuid()));
      await t.database.db
        .update(users)
        .set({ blocked: true })
        .where(eq(users.id, await customer.contactId()));
      t.clock.advance(5 * MINUTE);
      const events = await step(customer, "Answer me!");
      return { events, state: await state(customer) };
    });
    const now = mail.state.lastMessageAt!.toISOString();
    expect(mail.events[1]).toEqual({
      type: "conversation_update",
      changes: { last_message: "Answer me!", last_message_at: now, last_message_sender_type: "contact" },
    });
    expect(mail.state).toMatchObject({ waitingSince: null });
    expect(mail.state.resolvedAt).not.toBeNull();
    expect(chat).toEqual(mail);
  });

  it("flags card data as the message is stored", async () => {
    const [mail, chat] = await onBothChannels(async (customer) => {
      await step(customer, CARD_TEXT);
      return (await lastMessageMeta(customer)).pci_detected;
    });
    expect(mail).toMatchObject({ kinds: ["card_number", "cvv", "expiry"], count: 3 });
    expect(chat).toEqual(mail);
  });
});

describe("recordCustomerMessage", () => {
  it("writes nothing and publishes nothing when its transaction rolls back", async () => {
    const conversation = await createConversation(t, a, { status: "Resolved" });
    const before = t.published.length;
    const scope = { db: t.database.db, events: t.jobs.events, queue: t.queue };
    const message = { contentType: "text" as const, content: "Hello", textContent: "Hello", meta: {} };
    await expect(
      transaction(scope, async (tx, after) => {
        await recordCustomerMessage(
          within(scope, tx, after),
          { conversationId: conversation.id },
          { tenantId: a.id, contactId: conversation.contactId, now: t.clock.now(), message },
        );
        throw new Error("the caller's write failed");
      }),
    ).rejects.toThrow(/caller's write failed/);
    expect(t.published.length).toBe(before);
    const [row] = await t.database.db.select().from(conversations).where(eq(conversations.id, conversation.id));
    expect(row).toMatchObject({
      statusId: conversation.statusId,
      lastMessage: conversation.lastMessage,
      waitingSince: null,
    });
    expect(await t.database.db.select().from(messages).where(eq(messages.conversationId, conversation.id))).toEqual([]);
  });
});
