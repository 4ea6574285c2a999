import { and, asc, eq, sql } from "drizzle-orm";
import { MAX_ADDRESSES, MAX_NAME_LENGTH, MAX_SUBJECT_LENGTH } from "@helperiq/core/mail-in/parse";
import { conversations, mailImports, media, messages, users } from "@helperiq/core/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { startDovecot, type Dovecot } from "../support/dovecot.ts";
import { createAgent, createTenant, type TestTenant } from "../support/factories.ts";
import { mailInbox, poll, simpleMail } from "./imap-helpers.ts";

/**
 * Hostile imported mail against a real Dovecot: header-derived text is capped and made storable (such a mail
 * imports instead of failing every poll), its HTML keeps no same-origin URL but canonical uploads, and mail
 * "from" an agent of the workspace is not imported.
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
const encoded = (text: string) => `=?utf-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;

async function ledger(inboxId: number) {
  return db().select().from(mailImports).where(eq(mailImports.inboxId, inboxId)).orderBy(asc(mailImports.uid));
}

async function contactsWith(tenantId: number, email: string) {
  return db()
    .select({ id: users.id })
    .from(users)
    .where(
      and(eq(users.tenantId, tenantId), eq(users.type, "contact"), eq(sql`lower(${users.email})`, email.toLowerCase())),
    );
}

describe("header-derived text of imported mail", () => {
  it("is capped and stripped of NUL and lone surrogates, and the mail is imported, not failed", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const recipients = Array.from({ length: 250 }, (_, i) => `r${i}@customer.example`).join(", ");
    const lone = Buffer.from([0x48, 0x00, 0x00, 0xd8, 0x49, 0x00]).toString("base64");
    await dovecot.append(
      c.server,
      simpleMail({
        from: `${encoded(`Ma\u0000ria ${"G".repeat(400)}`)} <maria@customer.example>`,
        to: `${c.address}, ${recipients}`,
        subject: `${encoded(`Refund\u0000 ${"s".repeat(20_000)}`)} =?utf-16le?B?${lone}?=`,
        messageId: `<${"m".repeat(2000)}@customer.example>`,
        references: Array.from({ length: 400 }, (_, i) => `<ref${i}@mail.example>`).join(" "),
      }),
    );
    expect(await poll(t, c.inbox)).toMatchObject({ status: "done", imported: 1, failed: 0 });
    const [row] = await ledger(c.inbox.id);
    expect(row).toMatchObject({ status: "imported" });
    // Too long to be a real Message-ID: dropped (never cut), so the ledger keys the mail by its bytes.
    expect(row!.messageId).toMatch(/^sha256:/);

    const [conv] = await db().select().from(conversations).where(eq(conversations.inboxId, c.inbox.id));
    expect(conv!.subject).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(conv!.subject).toMatch(/^Refund s+$/);
    const [msg] = await db().select().from(messages).where(eq(messages.conversationId, conv!.id));
    expect(msg!.sourceId).toBeNull();
    expect((msg!.meta as { to: string[] }).to).toHaveLength(MAX_ADDRESSES);
    expect((msg!.meta as { subject: string }).subject).toBe(conv!.subject);
    const [contact] = await db().select().from(users).where(eq(users.id, conv!.contactId));
    expect(contact!.firstName).toBe("Maria");
    expect(`${contact!.firstName} ${contact!.lastName}`).toHaveLength(MAX_NAME_LENGTH);
  });
});

describe("HTML of imported mail", () => {
  it("keeps inline images as canonical /uploads paths and drops same-origin URLs that are not (on import and on read)", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const html =
      `<p>Look:<img src="cid:shot@customer.example"><img src="/uploads/../logout"><img src="/uploads/%2e%2e/logout">` +
      `<img src="/uploads/%2F../logout"><img src="/UPLOADS/../logout"><img src="/uploads\\..\\logout"><img src="//evil.example/x.png">` +
      `<a href="/logout">sign out</a><a href="https://ok.example/help">help</a></p>`;
    const raw = [
      "From: Lena <lena@customer.example>",
      `To: ${c.address}`,
      "Subject: Screenshot",
      "Message-ID: <html-1@customer.example>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/related; boundary="rel"',
      "",
      "--rel",
      "Content-Type: text/html; charset=utf-8",
      "",
      html,
      "--rel",
      'Content-Type: image/png; name="shot.png"',
      "Content-Transfer-Encoding: base64",
      "Content-ID: <shot@customer.example>",
      'Content-Disposition: inline; filename="shot.png"',
      "",
      png,
      "--rel--",
      "",
    ].join("\r\n");
    await dovecot.append(c.server, raw);
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 1, failed: 0 });
    const [conv] = await db().select().from(conversations).where(eq(conversations.inboxId, c.inbox.id));
    const [msg] = await db().select().from(messages).where(eq(messages.conversationId, conv!.id));
    const [image] = await db().select({ uuid: media.uuid }).from(media).where(eq(media.messageId, msg!.id));
    expect(msg!.content).toBe(
      `<p>Look:<img src="/uploads/${image!.uuid}" /><a rel="noopener noreferrer">sign out</a><a href="https://ok.example/help" rel="noopener noreferrer">help</a></p>`,
    );

    // A message stored before this rule is cleaned when it is read.
    await db()
      .update(messages)
      .set({ content: `<p>old<img src="/uploads/../logout"><img src="/uploads/${image!.uuid}"></p>` })
      .where(eq(messages.id, msg!.id));
    const listed = await tenant.admin.get(`/api/v1/conversations/${conv!.uuid}/messages`);
    const view = (listed.body.data.results ?? listed.body.data).find((m: { uuid: string }) => m.uuid === msg!.uuid);
    expect(view.content).toBe(`<p>old<img src="/uploads/${image!.uuid}" /></p>`);
  });
});

describe("mail from an agent's address", () => {
  it("is skipped as agent_address whatever the case of the address, and creates no contact; customers' mail still imports", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const agent = await createAgent(t, tenant, { email: "dana.agent@acme-staff.example" });
    const disabled = await createAgent(t, tenant, { email: "former@acme-staff.example" });
    await db().update(users).set({ enabled: false }).where(eq(users.id, disabled.id));
    await dovecot.append(
      c.server,
      simpleMail({
        from: `Dana <DANA.Agent@Acme-Staff.example>`,
        to: c.address,
        subject: "Forwarded: order",
        messageId: "<ag-1@acme-staff.example>",
      }),
      simpleMail({
        from: "former@acme-staff.example",
        to: c.address,
        subject: "Still me",
        messageId: "<ag-2@acme-staff.example>",
      }),
      simpleMail({ from: "customer@shop.example", to: c.address, subject: "Help", messageId: "<cu-1@shop.example>" }),
    );
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 1, skipped: 2, failed: 0 });
    expect((await ledger(c.inbox.id)).map((r) => [r.status, r.reason])).toEqual([
      ["skipped", "agent_address"],
      ["skipped", "agent_address"],
      ["imported", null],
    ]);
    expect(await contactsWith(tenant.id, agent.email)).toEqual([]);
    expect(await contactsWith(tenant.id, "former@acme-staff.example")).toEqual([]);
    const convs = await db()
      .select({ subject: conversations.subject })
      .from(conversations)
      .where(eq(conversations.inboxId, c.inbox.id));
    expect(convs.map((x) => x.subject)).toEqual(["Help"]);
  });

  it("only agents of this workspace count: another workspace's agent, or a deleted agent, is a customer here", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const other = await createTenant(t);
    const elsewhere = await createAgent(t, other, { email: "their.agent@other-staff.example" });
    const gone = await createAgent(t, tenant, { email: "left@acme-staff.example" });
    await db().update(users).set({ deletedAt: t.clock.now() }).where(eq(users.id, gone.id));
    await dovecot.append(
      c.server,
      simpleMail({
        from: elsewhere.email,
        to: c.address,
        subject: "From another desk",
        messageId: "<el-1@other-staff.example>",
      }),
      simpleMail({
        from: "left@acme-staff.example",
        to: c.address,
        subject: "I left",
        messageId: "<gone-1@acme-staff.example>",
      }),
    );
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 2, skipped: 0 });
    expect(await contactsWith(tenant.id, elsewhere.email)).toHaveLength(1);
    expect(await contactsWith(tenant.id, "left@acme-staff.example")).toHaveLength(1);
  });
});
