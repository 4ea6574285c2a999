/**
 * Reply signatures as the LibreDesk fork has them: an agent's own signature (`PUT /agents/me/signature`)
 * composed above the inbox's, placeholders filled, answered to the reply box by `GET /inboxes/{id}/signature`
 * — and the same composition appended to outgoing mail, unless the reply already carries it (the UI puts it
 * into the editor), so a customer never gets it twice.
 */
import { messages } from "@helperiq/core/schema";
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
import { mailWithId, messageRow, peerServer } from "../mail/delivery-helpers.ts";
import { expectError } from "./routes-support.ts";

const PERMS = [
  "conversations:read",
  "conversations:read_all",
  "conversations:write",
  "messages:read",
  "messages:write",
] as const;

let t: TestApp;
let peer: SmtpPeer;
let a: TestTenant;
let b: TestTenant;
let wendy: TestAgent;
let outsider: TestAgent;
let inbox: Awaited<ReturnType<typeof createEmailInbox>>;
let contact: Awaited<ReturnType<typeof createContact>>;

beforeAll(async () => {
  [t, peer] = await Promise.all([bootTestApp(), startSmtpPeer()]);
  [a, b] = await Promise.all([createTenant(t), createTenant(t)]);
  wendy = await createAgent(t, a, { permissions: [...PERMS], firstName: "Wendy" });
  outsider = await createAgent(t, a, { permissions: ["conversations:read"] });
  inbox = await createEmailInbox(t, a.id, {
    from: "Acme Support <support@acme.test>",
    smtp: [peerServer(peer)],
    config: { signature: "<p>{{inbox.name}} · Hi {{customer.first_name}}</p>" },
  });
  contact = await createContact(t, a, { email: "casey@customer.test", firstName: "Casey" });
});
afterAll(async () => {
  await t?.close();
  await peer?.close();
});

const signatureOf = async (client: TestAgent["client"], query = "") =>
  client.get(`/api/v1/inboxes/${inbox.id}/signature${query}`);

describe("PUT /api/v1/agents/me/signature", () => {
  it("stores the caller's signature, sanitised, and shows it on /agents/me", async () => {
    const res = await wendy.client.put("/api/v1/agents/me/signature", {
      signature: '<p>{{agent.full_name}}, <b>Acme</b><script>alert(1)</script><img src=x onerror="alert(2)"></p>',
    });
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(wendy.id);
    expect(res.body.data.signature).toBe("<p>{{agent.full_name}}, <b>Acme</b></p>");
    expect((await wendy.client.get("/api/v1/agents/me")).body.data.signature).toBe(
      "<p>{{agent.full_name}}, <b>Acme</b></p>",
    );
    // Other preferences are untouched.
    expect((await wendy.client.get("/api/v1/agents/me")).body.data.email_notifications).toEqual({
      mention: true,
      assigned: true,
      follower_added: true,
    });
  });

  it("names a missing or oversized signature, and an empty one clears it", async () => {
    expectError(await wendy.client.put("/api/v1/agents/me/signature", {}), 400, /^signature: /);
    expectError(
      await wendy.client.put("/api/v1/agents/me/signature", { signature: "x".repeat(10_001) }),
      400,
      /^signature: /,
    );
    expect(
      (await outsider.client.put("/api/v1/agents/me/signature", { signature: "<p>Old</p>" })).body.data.signature,
    ).toBe("<p>Old</p>");
    expect((await outsider.client.put("/api/v1/agents/me/signature", { signature: "  " })).body.data.signature).toBe(
      "",
    );
  });

  it("needs a signed-in agent", async () => {
    expect((await a.anonymous.put("/api/v1/agents/me/signature", { signature: "<p>x</p>" })).status).toBe(401);
  });
});

describe("GET /api/v1/inboxes/{id}/signature", () => {
  it("composes the agent's signature above the inbox's, for the conversation's contact", async () => {
    const conversation = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    const res = await signatureOf(wendy.client, `?conversation_uuid=${conversation.uuid}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      signature: `<p>Wendy Smith, <b>Acme</b></p><br><br><p>${inbox.name} · Hi Casey</p>`,
    });
  });

  it("takes LibreDesk's empty conversation_uuid (a new conversation) and leaves the customer out", async () => {
    const res = await signatureOf(wendy.client, "?conversation_uuid=");
    expect(res.body.data.signature).toBe(`<p>Wendy Smith, <b>Acme</b></p><br><br><p>${inbox.name} · Hi </p>`);
    // Any agent may ask; one without a signature of their own gets the inbox's alone.
    expect((await signatureOf(outsider.client)).body.data.signature).toBe(`<p>${inbox.name} · Hi </p>`);
  });

  it("is 404 for another workspace's inbox or a conversation the caller may not see, 400 for a bad uuid", async () => {
    const theirs = await createEmailInbox(t, b.id, { config: { signature: "<p>B secret</p>" } });
    expectError(await wendy.client.get(`/api/v1/inboxes/${theirs.id}/signature`), 404);
    const conversation = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    expectError(await signatureOf(outsider.client, `?conversation_uuid=${conversation.uuid}`), 404);
    const theirConversation = await createConversation(t, b);
    expectError(await signatureOf(wendy.client, `?conversation_uuid=${theirConversation.uuid}`), 404);
    expectError(await signatureOf(wendy.client, "?conversation_uuid=nope"), 400, /^conversation_uuid: /);
    expectError(await wendy.client.get("/api/v1/inboxes/x/signature"), 400, /^id: /);
  });
});

describe("outgoing mail", () => {
  async function send(message: string) {
    const conversation = await createConversation(t, a, { inboxId: inbox.id, contactId: contact.id });
    const res = await wendy.client.post(`/api/v1/conversations/${conversation.uuid}/messages`, { message });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await t.queue.drain();
    const row = await messageRow(t, res.body.data.uuid);
    expect(row.status).toBe("sent");
    return mailWithId(peer, row.sourceId!);
  }

  it("appends the composed signature the reply box showed", async () => {
    const mail = await send("<p>Your kettle ships today.</p>");
    expect(mail.html).toContain(`<p>Wendy Smith, <b>Acme</b></p><br><br><p>${inbox.name} · Hi Casey</p>`);
    expect(mail.text!.replace(/\s+/g, " ")).toContain(`-- Wendy Smith, Acme ${inbox.name} · Hi Casey`);
  });

  it("does not add it again when the reply already carries it (LibreDesk's editor inserted it)", async () => {
    const shown = (await signatureOf(wendy.client)).body.data.signature as string;
    const mail = await send(`<p>Your kettle ships today.</p><br>${shown.replace("Hi </p>", "Hi Casey</p>")}`);
    expect(String(mail.html).split("Wendy Smith, ").length - 1).toBe(1);
    expect(mail.text!.split(`${inbox.name} · Hi Casey`).length - 1).toBe(1);
  });

  it("stores the reply as written, without the signature", async () => {
    await send("<p>Plain body</p>");
    const rows = await t.database.db.select({ content: messages.content }).from(messages);
    expect(rows.some((r) => r.content.includes("Plain body") && r.content.includes("Acme"))).toBe(false);
  });
});
