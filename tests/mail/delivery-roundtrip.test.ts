import { conversations, messages } from "@helperiq/core/schema";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { startDovecot, type Dovecot } from "../support/dovecot.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.ts";
import { mailWithId, messageRow, peerServer } from "./delivery-helpers.ts";
import { mailInbox, poll, simpleMail, type MailInbox } from "./imap-helpers.ts";

/**
 * The whole email loop with real servers: a customer's mail APPENDed to Dovecot becomes a conversation,
 * the agent's reply reaches the SMTP peer with threading headers, and the customer's answer to it (sent
 * back to Dovecot with those headers) threads into the same conversation.
 */
let t: TestApp;
let dovecot: Dovecot;
let peer: SmtpPeer;
let tenant: TestTenant;
let wendy: TestAgent;
let box: MailInbox;

beforeAll(async () => {
  [t, dovecot, peer] = await Promise.all([bootTestApp(), startDovecot(), startSmtpPeer()]);
  tenant = await createTenant(t);
  wendy = await createAgent(t, tenant, {
    firstName: "Wendy",
    permissions: [
      "conversations:read",
      "conversations:read_all",
      "conversations:write",
      "messages:read",
      "messages:write",
    ],
  });
  box = await mailInbox(t, dovecot, tenant.id, { smtp: [peerServer(peer)], config: { enable_plus_addressing: true } });
});

afterAll(async () => {
  await Promise.all([t?.close(), dovecot?.stop(), peer?.close()]);
});

describe("customer → Dovecot → conversation → reply over SMTP → customer's answer threads back", () => {
  it("keeps one conversation for the whole exchange", async () => {
    await dovecot.append(
      box.server,
      simpleMail({
        from: "Casey <casey@customer.test>",
        to: box.address,
        subject: "Broken kettle",
        messageId: "<first@customer.test>",
        body: "It stopped working.",
      }),
    );
    await poll(t, box.inbox);
    await t.queue.drain();
    const [conv] = await t.database.db.select().from(conversations).where(eq(conversations.inboxId, box.inbox.id));
    expect(conv).toBeDefined();

    const res = await wendy.client.post(`/api/v1/conversations/${conv!.uuid}/messages`, {
      message: "<p>Sorry! A new one is on its way.</p>",
    });
    expect(res.status).toBe(201);
    await t.queue.drain();
    const sent = await messageRow(t, res.body.data.uuid);
    expect(sent.status).toBe("sent");
    const out = await mailWithId(peer, sent.sourceId!);
    expect(out.inReplyTo).toBe("<first@customer.test>");
    expect(out.references).toBe("<first@customer.test>");
    expect(out.subject).toBe(`Re: Broken kettle [#${conv!.referenceNumber}]`);
    expect(out.envelopeTo).toEqual(["casey@customer.test"]);

    // The customer answers the reply from their mail client: its headers point at our Message-ID.
    await dovecot.append(
      box.server,
      simpleMail({
        from: "Casey <casey@customer.test>",
        to: out.replyTo!.value[0]!.address!,
        subject: `Re: ${out.subject}`,
        messageId: "<second@customer.test>",
        inReplyTo: sent.sourceId!,
        references: `<first@customer.test> ${sent.sourceId}`,
        body: "Thanks, got it!",
      }),
    );
    await poll(t, box.inbox);
    await t.queue.drain();
    const all = await t.database.db.select().from(conversations).where(eq(conversations.inboxId, box.inbox.id));
    expect(all).toHaveLength(1);
    const history = await t.database.db
      .select({ type: messages.type, sourceId: messages.sourceId })
      .from(messages)
      .where(eq(messages.conversationId, conv!.id))
      .orderBy(asc(messages.createdAt), asc(messages.id));
    expect(history.filter((m) => m.type !== "activity")).toEqual([
      { type: "incoming", sourceId: "<first@customer.test>" },
      { type: "outgoing", sourceId: sent.sourceId },
      { type: "incoming", sourceId: "<second@customer.test>" },
    ]);
  });
});
