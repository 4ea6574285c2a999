import { recordCustomerMessage } from "@helperiq/core/conversation/incoming";
import { previewOf } from "@helperiq/core/html/sanitize";
import { autoRedactDue } from "@helperiq/core/pci/auto-redact";
import { flagPci } from "@helperiq/core/pci/flag";
import { conversations, inboxes, messages, notifications } from "@helperiq/core/schema";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createInbox,
  createMessage,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let writer: TestAgent;
let readOnly: TestAgent;
let assignedOnly: TestAgent;
let noSettings: TestAgent;

const DAY = 24 * 3600_000;
const CARD = "4916338064743866";
const CARD_TEXT = `Hi, please charge my card ${CARD}, exp 06/29, cvv 281. Thanks, Casey`;
const ALL = [
  "conversations:read",
  "conversations:read_all",
  "conversations:write",
  "messages:read",
  "messages:write",
] as const;
const SETTINGS = "/api/v1/settings/pci";
const DEFAULTS = { enabled: true, auto_redact_days: 7, detect: { card_numbers: true, cvv: true, expiry: true } };

const redactPath = (conversationUuid: string, messageUuid: string) =>
  `/api/v1/conversations/${conversationUuid}/messages/${messageUuid}/redact`;

async function rowOf(id: number) {
  const [row] = await t.database.db.select().from(messages).where(eq(messages.id, id));
  return row!;
}

/** An incoming message with card data, its conversation's preview showing it (as the import writes it). */
async function cardMessage(tenant: TestTenant, opts: { text?: string; inboxId?: number; subject?: string } = {}) {
  const conversation = await createConversation(t, tenant, {
    subject: opts.subject ?? "Payment",
    ...(opts.inboxId ? { inboxId: opts.inboxId } : {}),
  });
  const text = opts.text ?? CARD_TEXT;
  const message = await createMessage(t, tenant, conversation.id, { text });
  await t.database.db
    .update(conversations)
    .set({ lastMessage: previewOf(text) })
    .where(eq(conversations.id, conversation.id));
  return { conversation, message };
}

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  writer = await createAgent(t, a, { permissions: [...ALL], firstName: "Wendy" });
  readOnly = await createAgent(t, a, { permissions: ["conversations:read_all", "messages:read"] });
  assignedOnly = await createAgent(t, a, {
    permissions: ["conversations:read_assigned", "messages:read", "messages:write"],
  });
  noSettings = await createAgent(t, a, { permissions: [...ALL] });
});
afterAll(() => t.close());

describe("GET/PUT /api/v1/settings/pci", () => {
  it("starts enabled, 7 days, detecting everything", async () => {
    const res = await a.admin.get(SETTINGS);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(DEFAULTS);
  });

  it("updates partially, merging `detect` key by key, and answers the full settings", async () => {
    const tenant = await createTenant(t);
    let res = await tenant.admin.put(SETTINGS, { detect: { cvv: false } });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ ...DEFAULTS, detect: { card_numbers: true, cvv: false, expiry: true } });
    res = await tenant.admin.put(SETTINGS, { auto_redact_days: 30, detect: { expiry: false } });
    expect(res.body.data).toEqual({
      enabled: true,
      auto_redact_days: 30,
      detect: { card_numbers: true, cvv: false, expiry: false },
    });
    expect((await tenant.admin.get(SETTINGS)).body.data).toEqual(res.body.data);
  });

  it("rejects bad values naming the field, and changes nothing", async () => {
    const tenant = await createTenant(t);
    const bad = async (body: unknown) => {
      const res = await tenant.admin.put(SETTINGS, body);
      expect(res.status).toBe(400);
      expect(res.body.data.type).toBe("InputError");
      return res.body.data.message as string;
    };
    expect(await bad({ auto_redact_days: 0 })).toMatch(/^auto_redact_days: /);
    expect(await bad({ auto_redact_days: 366 })).toMatch(/^auto_redact_days: /);
    expect(await bad({ auto_redact_days: 2.5 })).toMatch(/^auto_redact_days: /);
    expect(await bad({ enabled: "yes" })).toMatch(/^enabled: /);
    expect(await bad({ detect: { cvv: 1 } })).toMatch(/^detect\.cvv: /);
    expect(await bad({ detect: { iban: true } })).toMatch(/iban/);
    expect(await bad({ auto_redact: 3 })).toMatch(/auto_redact/);
    expect((await tenant.admin.get(SETTINGS)).body.data).toEqual(DEFAULTS);
  });

  it("needs general_settings:manage (403) and a login (401)", async () => {
    expect((await noSettings.client.get(SETTINGS)).status).toBe(403);
    expect((await noSettings.client.put(SETTINGS, { enabled: false })).status).toBe(403);
    expect((await a.anonymous.get(SETTINGS)).status).toBe(401);
    expect((await a.admin.get(SETTINGS)).body.data.enabled).toBe(true);
  });

  it("is per workspace", async () => {
    const one = await createTenant(t);
    const two = await createTenant(t);
    await one.admin.put(SETTINGS, { enabled: false, auto_redact_days: 3 });
    expect((await two.admin.get(SETTINGS)).body.data).toEqual(DEFAULTS);
    // One workspace's key on another's host is not a login there.
    expect((await one.admin.onHost(two.host).put(SETTINGS, { enabled: false })).status).toBe(401);
    expect((await two.admin.get(SETTINGS)).body.data).toEqual(DEFAULTS);
  });
});

describe("flagging incoming messages", () => {
  it("flags card data in meta.pci_detected with kinds, count and time, never the data", async () => {
    const { conversation, message } = await cardMessage(a);
    const before = t.published.length;
    const result = await flagPci(t.database.db, a.id, message.id, t.clock.now());
    expect(result.flag).toEqual({
      kinds: ["card_number", "cvv", "expiry"],
      count: 3,
      detected_at: t.clock.now().toISOString(),
    });
    expect(result.events).toEqual([
      expect.objectContaining({
        type: "message_update",
        conversationUuid: conversation.uuid,
        messageUuid: message.uuid,
      }),
    ]);
    expect(t.published.length).toBe(before); // the caller publishes, after its commit
    const res = await writer.client.get(`/api/v1/conversations/${conversation.uuid}/messages/${message.uuid}`);
    expect(res.body.data.meta.pci_detected).toEqual(result.flag);
    expect(JSON.stringify(res.body.data.meta)).not.toMatch(/4916|06\/29|281/);
  });

  it("is idempotent: a second scan keeps the first detection time", async () => {
    const { message } = await cardMessage(a);
    const first = await flagPci(t.database.db, a.id, message.id, t.clock.now());
    const second = await flagPci(t.database.db, a.id, message.id, new Date(t.clock.now().getTime() + DAY));
    expect(second.flag).toEqual(first.flag);
    expect(second.events).toEqual([]);
  });

  it("leaves clean messages alone", async () => {
    const { message } = await cardMessage(a, { text: "Order #100000123 arrived on 11/24/2026, call +44 20 7946 0958" });
    expect((await flagPci(t.database.db, a.id, message.id, t.clock.now())).flag).toBeNull();
    expect((await rowOf(message.id)).meta).toEqual({});
  });

  it("skips an inbox with skip_pci_scan", async () => {
    const inbox = await createInbox(t, a);
    await t.database.db
      .update(inboxes)
      .set({ config: { skip_pci_scan: true } })
      .where(eq(inboxes.id, inbox.id));
    const { message } = await cardMessage(a, { inboxId: inbox.id });
    expect((await flagPci(t.database.db, a.id, message.id, t.clock.now())).flag).toBeNull();
    expect((await rowOf(message.id)).meta.pci_detected).toBeUndefined();
  });

  it("skips a workspace that turned PCI scanning off, and reports only the kinds it detects", async () => {
    const off = await createTenant(t);
    await off.admin.put(SETTINGS, { enabled: false });
    const { message } = await cardMessage(off);
    expect((await flagPci(t.database.db, off.id, message.id, t.clock.now())).flag).toBeNull();
    expect((await rowOf(message.id)).meta.pci_detected).toBeUndefined();

    const cardsOnly = await createTenant(t);
    await cardsOnly.admin.put(SETTINGS, { detect: { cvv: false, expiry: false } });
    const second = await cardMessage(cardsOnly);
    expect((await flagPci(t.database.db, cardsOnly.id, second.message.id, t.clock.now())).flag).toMatchObject({
      kinds: ["card_number"],
      count: 1,
    });
  });

  it("does not reach another workspace's message", async () => {
    const { message } = await cardMessage(b);
    expect((await flagPci(t.database.db, a.id, message.id, t.clock.now())).flag).toBeNull();
    expect((await rowOf(message.id)).meta.pci_detected).toBeUndefined();
  });

  it("flags a customer's message as it is stored, whatever its channel, unless its inbox has skip_pci_scan", async () => {
    const scanned = await createConversation(t, a);
    const inbox = await createInbox(t, a);
    await t.database.db
      .update(inboxes)
      .set({ config: { skip_pci_scan: true } })
      .where(eq(inboxes.id, inbox.id));
    const skipped = await createConversation(t, a, { inboxId: inbox.id });
    // The one incoming-message operation mail, the widget and recorded contact messages go through.
    const scope = { db: t.database.db, events: { publish: async () => {} }, queue: { send: async () => {} } };
    const write = async (conversation: typeof scanned) => {
      const message = { contentType: "text" as const, content: CARD_TEXT, textContent: CARD_TEXT, meta: {} };
      const written = await recordCustomerMessage(
        scope,
        { conversationId: conversation.id },
        { tenantId: a.id, contactId: conversation.contactId, now: t.clock.now(), message },
      );
      return rowOf(written.messageId);
    };
    expect((await write(scanned)).meta.pci_detected).toMatchObject({
      kinds: ["card_number", "cvv", "expiry"],
      count: 3,
    });
    expect((await write(skipped)).meta.pci_detected).toBeUndefined();
  });
});

describe("POST /api/v1/conversations/:uuid/messages/:message_uuid/redact", () => {
  it("masks content, text, the conversation's preview and subject; flags it redacted; writes an activity", async () => {
    const { conversation, message } = await cardMessage(a, { subject: `Card ${CARD}` });
    await flagPci(t.database.db, a.id, message.id, t.clock.now());
    const before = t.published.length;
    const res = await writer.client.post(redactPath(conversation.uuid, message.uuid));
    expect(res.status).toBe(200);
    const masked = "Hi, please charge my card •••• •••• •••• 3866, exp ••/••, cvv •••. Thanks, Casey";
    expect(res.body.data).toMatchObject({ uuid: message.uuid, content: `<p>${masked}</p>`, text_content: masked });
    expect(res.body.data.meta.pci_detected).toEqual({
      redacted_at: t.clock.now().toISOString(),
      redacted_by: writer.id,
      kinds: ["card_number", "cvv", "expiry"],
      count: 3,
    });
    const row = await rowOf(message.id);
    expect(row.content + row.textContent + JSON.stringify(row.meta)).not.toMatch(/4916|06\/29|281/);
    const [conv] = await t.database.db.select().from(conversations).where(eq(conversations.id, conversation.id));
    expect(conv!.lastMessage).toBe(masked);
    expect(conv!.subject).toBe("Card •••• •••• •••• 3866");

    const activity = (await writer.client.get(`/api/v1/conversations/${conversation.uuid}/messages?types=activity`))
      .body.data.results;
    expect(activity.map((m: { content: string }) => m.content)).toEqual(["Wendy Smith redacted card data"]);
    const events = t.published.slice(before);
    expect(events.map((e) => e.type).sort()).toEqual(["conversation_update", "message_update", "new_message"]);
    const update = events.find((e) => e.type === "message_update");
    expect(update).toMatchObject({ messageUuid: message.uuid, changes: { text_content: masked } });
    expect(events.find((e) => e.type === "conversation_update")).toMatchObject({
      changes: { last_message: masked, subject: "Card •••• •••• •••• 3866" },
    });
  });

  it("takes the number out of search", async () => {
    const number = "5425233430109903";
    const { conversation, message } = await cardMessage(a, { text: `card ${number} please` });
    const search = async () => (await writer.client.get(`/api/v1/search?q=${number}`)).body.data;
    const hits = await search();
    expect(hits.messages.map((m: { uuid: string }) => m.uuid)).toEqual([message.uuid]);
    expect((await writer.client.post(redactPath(conversation.uuid, message.uuid))).status).toBe(200);
    const after = await search();
    expect(after.messages).toEqual([]);
    expect(after.conversations).toEqual([]);
    expect((await writer.client.get(`/api/v1/messages/search?q=${number}`)).body.data.results).toEqual([]);
    // The masked message is still found by its other words, showing the mask.
    const kept = (await writer.client.get(`/api/v1/messages/search?q=please`)).body.data.results;
    expect(kept.map((m: { uuid: string }) => m.uuid)).toContain(message.uuid);
  });

  it("is idempotent: nothing left to redact answers the message unchanged, with no second activity", async () => {
    const { conversation, message } = await cardMessage(a);
    await writer.client.post(redactPath(conversation.uuid, message.uuid));
    const first = await rowOf(message.id);
    const before = t.published.length;
    const again = await writer.client.post(redactPath(conversation.uuid, message.uuid));
    expect(again.status).toBe(200);
    expect(again.body.data.text_content).toBe(first.textContent);
    expect(await rowOf(message.id)).toEqual(first);
    expect(t.published.length).toBe(before);
    const clean = await cardMessage(a, { text: "no card here, order 100000123" });
    const res = await writer.client.post(redactPath(clean.conversation.uuid, clean.message.uuid));
    expect(res.status).toBe(200);
    expect(res.body.data.meta).toEqual({});
    const activities = (
      await writer.client.get(`/api/v1/conversations/${clean.conversation.uuid}/messages?types=activity`)
    ).body.data.results;
    expect(activities).toEqual([]);
  });

  it("redacts a private note and the mention notification that quotes it", async () => {
    const conversation = await createConversation(t, a);
    const mentioned = await createAgent(t, a, { permissions: ["conversations:read", "messages:read"] });
    const note = await writer.client.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
      message: `<p>Customer gave <a href="https://pay.example/?card=${CARD}">${CARD}</a>, cvc 281</p>`,
      private: true,
      mentions: [mentioned.id],
    });
    expect(note.status).toBe(201);
    await t.queue.drain();
    const res = await writer.client.post(redactPath(conversation.uuid, note.body.data.uuid));
    expect(res.status).toBe(200);
    expect(res.body.data.content).not.toContain(CARD);
    expect(res.body.data.content).toMatch(
      /^<p>Customer gave <a href="[^"]*"[^>]*>•••• •••• •••• 3866<\/a>, cvc •••<\/p>$/,
    );
    const rows = await t.database.db.select().from(notifications).where(eq(notifications.userId, mentioned.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.description).toBe("Customer gave •••• •••• •••• 3866, cvc •••");
  });

  it("needs messages:write (403) and a visible conversation of the workspace (404)", async () => {
    const { conversation, message } = await cardMessage(a);
    expect((await readOnly.client.post(redactPath(conversation.uuid, message.uuid))).status).toBe(403);
    expect((await assignedOnly.client.post(redactPath(conversation.uuid, message.uuid))).status).toBe(404);
    expect((await b.admin.post(redactPath(conversation.uuid, message.uuid))).status).toBe(404);
    expect((await a.anonymous.post(redactPath(conversation.uuid, message.uuid))).status).toBe(401);
    // A message of another conversation, named through this one.
    const other = await cardMessage(a);
    expect((await writer.client.post(redactPath(conversation.uuid, other.message.uuid))).status).toBe(404);
    expect((await writer.client.post(redactPath(conversation.uuid, "not-a-uuid"))).body.data.message).toMatch(
      /^message_uuid: /,
    );
    expect((await rowOf(message.id)).textContent).toBe(CARD_TEXT);
    expect((await rowOf(other.message.id)).textContent).toBe(CARD_TEXT);
  });

  it("does not let another workspace redact", async () => {
    const { conversation, message } = await cardMessage(b);
    expect((await a.admin.post(redactPath(conversation.uuid, message.uuid))).status).toBe(404);
    expect((await rowOf(message.id)).textContent).toBe(CARD_TEXT);
  });
});

describe("auto-redaction", () => {
  it("redacts what is still flagged after auto_redact_days, not before, as the System user", async () => {
    const tenant = await createTenant(t);
    const { conversation, message } = await cardMessage(tenant);
    await flagPci(t.database.db, tenant.id, message.id, t.clock.now());
    const start = t.clock.now().getTime();
    const run = async (afterMs: number) => autoRedactDue(t.jobs, new Date(start + afterMs));

    await run(7 * DAY - 60_000);
    expect((await rowOf(message.id)).textContent).toBe(CARD_TEXT);
    const from = t.published.length;
    await run(7 * DAY);
    // Published by the job itself once the redaction committed.
    expect(t.published.slice(from)).toContainEqual(
      expect.objectContaining({ type: "message_update", messageUuid: message.uuid }),
    );
    const row = await rowOf(message.id);
    expect(row.textContent).not.toContain(CARD);
    expect(row.meta.pci_detected).toMatchObject({
      redacted_by: null,
      redacted_at: new Date(start + 7 * DAY).toISOString(),
    });
    const activity = await t.database.db
      .select({ content: messages.content, senderId: messages.senderId })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.type, "activity")));
    expect(activity).toEqual([{ content: "System redacted card data", senderId: tenant.systemUserId }]);
    // Nothing pending any more: a later run changes nothing.
    const before = t.published.length;
    await run(8 * DAY);
    expect(t.published.slice(before).filter((e) => "messageUuid" in e && e.messageUuid === message.uuid)).toEqual([]);
  });

  it("follows each workspace's auto_redact_days and skips workspaces with PCI scrubbing off", async () => {
    const quick = await createTenant(t);
    await quick.admin.put(SETTINGS, { auto_redact_days: 2 });
    const off = await createTenant(t);
    const quickMessage = (await cardMessage(quick)).message;
    const offMessage = (await cardMessage(off)).message;
    await flagPci(t.database.db, quick.id, quickMessage.id, t.clock.now());
    await flagPci(t.database.db, off.id, offMessage.id, t.clock.now());
    await off.admin.put(SETTINGS, { enabled: false });
    const start = t.clock.now().getTime();
    await autoRedactDue(t.jobs, new Date(start + DAY));
    expect((await rowOf(quickMessage.id)).textContent).toBe(CARD_TEXT);
    await autoRedactDue(t.jobs, new Date(start + 2 * DAY));
    expect((await rowOf(quickMessage.id)).textContent).not.toContain(CARD);
    await autoRedactDue(t.jobs, new Date(start + 30 * DAY));
    expect((await rowOf(offMessage.id)).textContent).toBe(CARD_TEXT);
  });

  it("works through a backlog in bounded batches", async () => {
    const tenant = await createTenant(t);
    const flagged = [];
    for (let i = 0; i < 3; i++) {
      const { message } = await cardMessage(tenant);
      await flagPci(t.database.db, tenant.id, message.id, t.clock.now());
      flagged.push(message.id);
    }
    const when = new Date(t.clock.now().getTime() + 365 * DAY);
    // Other tests' messages may be due too: run until this workspace's are done, one message per run.
    for (let runs = 0; runs < 50; runs++) {
      const { redacted } = await autoRedactDue(t.jobs, when, 1);
      expect(redacted).toBeLessThanOrEqual(1);
      if (redacted === 0) break;
    }
    for (const id of flagged) expect((await rowOf(id)).textContent).not.toContain(CARD);
  });
});
