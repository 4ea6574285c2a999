/**
 * The "test connection" buttons of LibreDesk's forms as its UI sends them: the inbox form tests one section
 * at a time (`{imap, auth_type}` or `{smtp, auth_type, test_email}`, plus `inbox_id` when editing) with
 * LibreDesk's `tls_type`, the notification form sends `test_email`; the UI reads `success` and the log lines.
 * Real Dovecot and SMTP servers on loopback; nothing is saved, test messages arrive.
 */
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { startDovecot, type Dovecot } from "../support/dovecot.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.ts";
import { expectError } from "./routes-support.ts";

const TEST = "/api/v1/inboxes/test";
const MASK = "••••••••";

let t: TestApp;
let imap: Dovecot;
/** Requires AUTH as bob / right. */
let peer: SmtpPeer;
let closedPort: number;
let a: TestTenant;
let b: TestTenant;

const portOf = (p: SmtpPeer) => Number(new URL(p.url).port);

beforeAll(async () => {
  [t, imap, peer] = await Promise.all([
    bootTestApp(),
    startDovecot(),
    startSmtpPeer({ auth: { username: "bob@acme.test", password: "right" } }),
  ]);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(async () => {
  await t?.close();
  await imap?.stop();
  await peer?.close();
});

/** The inbox form's IMAP section as LibreDesk's UI holds it (its field names, `tls_type`). */
async function imapSection(over: Record<string, unknown> = {}) {
  const user = await imap.addUser();
  return {
    host: user.host,
    port: user.port,
    mailbox: "INBOX",
    username: user.username,
    password: user.password,
    tls_type: "none",
    read_interval: "5m",
    scan_inbox_since: "48h",
    tls_skip_verify: false,
    ...over,
  };
}

/** The inbox form's SMTP section as LibreDesk's UI holds it. */
const smtpSection = (over: Record<string, unknown> = {}) => ({
  host: "127.0.0.1",
  port: portOf(peer),
  username: "bob@acme.test",
  password: "right",
  max_conns: 10,
  max_msg_retries: 3,
  idle_timeout: "25s",
  wait_timeout: "60s",
  auth_protocol: "login",
  tls_type: "none",
  tls_skip_verify: false,
  hello_hostname: "",
  ...over,
});

describe("POST /api/v1/inboxes/test in LibreDesk's form", () => {
  it("logs in to the IMAP section's server with its tls_type and answers success with a log line", async () => {
    const section = await imapSection();
    const res = await a.admin.post(TEST, { imap: section, auth_type: "password" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({
      ok: true,
      success: true,
      latency_ms: expect.any(Number),
      imap_logs: [
        `IMAP ${section.host}:${section.port} (no TLS): logged in as ${section.username} and opened INBOX in ${res.body.data.latency_ms} ms`,
      ],
      smtp_logs: [],
    });
    expect((await a.admin.get("/api/v1/inboxes")).body.data).toEqual([]);
  });

  it("sends a test message through the SMTP section's server to test_email, from its username", async () => {
    const before = peer.received.length;
    const res = await a.admin.post(TEST, { smtp: smtpSection(), auth_type: "password", test_email: "qa@example.org" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.success).toBe(true);
    expect(res.body.data.smtp_logs).toEqual([
      expect.stringMatching(
        /^SMTP 127\.0\.0\.1:\d+ \(no TLS\): logged in as bob@acme\.test and sent a test message to qa@example\.org in \d+ ms$/,
      ),
    ]);
    expect(peer.received.slice(before)).toEqual([
      { from: "bob@acme.test", to: ["qa@example.org"], raw: expect.stringContaining("Subject: HelperIQ test message") },
    ]);
    // Without test_email it only logs in.
    const login = await a.admin.post(TEST, { smtp: smtpSection(), auth_type: "password", test_email: "" });
    expect(login.body.data.smtp_logs).toEqual([expect.stringMatching(/: logged in as bob@acme\.test in \d+ ms$/)]);
    expect(peer.received.length).toBe(before + 1);
  });

  it("names the section's failing server and field, never a 5xx", async () => {
    expectError(
      await a.admin.post(TEST, { imap: await imapSection({ port: closedPort }), auth_type: "password" }),
      400,
      /^imap\[0\]: could not connect to 127\.0\.0\.1:\d+: connection refused$/,
    );
    expectError(
      await a.admin.post(TEST, { imap: await imapSection({ password: "wrong" }) }),
      400,
      /^imap\[0\]: authentication failed/,
    );
    expectError(
      await a.admin.post(TEST, { smtp: smtpSection({ password: "wrong" }) }),
      400,
      /^smtp\[0\]: authentication failed/,
    );
    expectError(
      await a.admin.post(TEST, { smtp: smtpSection(), test_email: "qa@refused.example" }),
      400,
      /^smtp\[0\]: 127\.0\.0\.1:\d+ refused the RCPT TO command/,
    );
    expectError(
      await a.admin.post(TEST, { imap: await imapSection({ username: "" }) }),
      400,
      /^imap\[0\]\.username: required/,
    );
    expectError(
      await a.admin.post(TEST, { imap: await imapSection({ tls_type: "ssl" }) }),
      400,
      /^imap\[0\]\.tls_type: /,
    );
    expectError(
      await a.admin.post(TEST, { smtp: smtpSection({ password: "" }) }),
      400,
      /^smtp\[0\]\.password: required/,
    );
    expectError(await a.admin.post(TEST, { auth_type: "password" }), 400, /^imap: give the imap or smtp server/);
    expectError(
      await a.admin.post(TEST, { smtp: smtpSection(), auth_type: "oauth2" }),
      400,
      /^auth_type: only password inboxes/,
    );
    expectError(await a.admin.post(TEST, { smtp: smtpSection(), test_email: "not-an-address" }), 400, /^test_email: /);
    expectError(
      await a.admin.post(TEST, { smtp: smtpSection({ username: "bob" }), test_email: "qa@example.org" }),
      400,
      /^test_email: a test message needs a sender/,
    );
    expectError(await a.admin.post(TEST, { smtp: smtpSection(), bogus: true }), 400, /bogus/);
    // A body with `channel` is HelperIQ's whole-inbox form.
    expectError(await a.admin.post(TEST, { channel: "sms", smtp: smtpSection() }), 400, /^channel: /);
  });

  it("editing a saved inbox, a masked password is the stored one, for its own host and username only", async () => {
    const section = await imapSection();
    const created = await a.admin.post("/api/v1/inboxes", {
      name: "Saved",
      channel: "email",
      from: "Acme Support <support@acme.test>",
      config: { imap: [section], smtp: [smtpSection()] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id as number;
    const imapOk = await a.admin.post(TEST, {
      inbox_id: id,
      imap: { ...section, password: MASK },
      auth_type: "password",
    });
    expect(imapOk.status, JSON.stringify(imapOk.body)).toBe(200);
    const before = peer.received.length;
    const smtpOk = await a.admin.post(TEST, {
      inbox_id: id,
      smtp: smtpSection({ password: MASK }),
      test_email: "qa@example.org",
    });
    expect(smtpOk.status, JSON.stringify(smtpOk.body)).toBe(200);
    // From the inbox's own address.
    expect(peer.received.slice(before).map((m) => m.raw)).toEqual([
      expect.stringContaining("From: Acme Support <support@acme.test>"),
    ]);

    expectError(
      await a.admin.post(TEST, { inbox_id: id, smtp: smtpSection({ host: "localhost", password: MASK }) }),
      400,
      /^smtp\[0\]\.password: enter the password again/,
    );
    expectError(await a.admin.post(TEST, { imap: { ...section, password: MASK } }), 400, /^imap\[0\]\.password: /);
    // Another workspace's inbox is not there.
    expectError(await b.admin.post(TEST, { inbox_id: id, imap: { ...section, password: MASK } }), 404);
  });
});

describe("LibreDesk's tls_type on a saved inbox", () => {
  it("is the TLS mode the form chose, over a stale tls sent back from the view", async () => {
    const res = await a.admin.post("/api/v1/inboxes", {
      name: "Plain",
      channel: "email",
      from: "support@acme.test",
      config: {
        imap: [await imapSection({ tls_type: "starttls" })],
        smtp: [smtpSection({ tls: "tls", tls_type: "none" })],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.config.imap[0]).toMatchObject({ tls: "starttls", port: expect.any(Number) });
    expect(res.body.data.config.imap[0].tls_type).toBeUndefined();
    expect(res.body.data.config.smtp[0]).toMatchObject({ tls: "none" });
  });
});

describe("POST /api/v1/settings/notifications/email/test with test_email", () => {
  const form = (over: Record<string, unknown> = {}) => ({
    "notification.email.host": "127.0.0.1",
    "notification.email.port": portOf(peer),
    "notification.email.username": "bob@acme.test",
    "notification.email.password": "right",
    "notification.email.auth_protocol": "login",
    "notification.email.tls_type": "none",
    "notification.email.tls_skip_verify": false,
    "notification.email.email_address": "Acme Notifications <notify@acme.test>",
    "notification.email.hello_hostname": "",
    test_email: "qa@example.org",
    ...over,
  });

  it("sends a test message from the notification address and answers success with the log", async () => {
    const before = peer.received.length;
    const res = await a.admin.post("/api/v1/settings/notifications/email/test", form());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({
      ok: true,
      success: true,
      latency_ms: expect.any(Number),
      logs: [
        expect.stringMatching(
          /^SMTP 127\.0\.0\.1:\d+ \(no TLS\): logged in as bob@acme\.test and sent a test message to qa@example\.org in \d+ ms$/,
        ),
      ],
    });
    const [mail] = peer.received.slice(before);
    expect(mail).toMatchObject({ from: "notify@acme.test", to: ["qa@example.org"] });
    expect(mail!.raw).toContain("From: Acme Notifications <notify@acme.test>");
    // Nothing saved.
    expect((await a.admin.get("/api/v1/settings/notifications/email")).body.data).toMatchObject({ host: "" });
  });

  it("logs in only without test_email, and names a bad test_email or a refused recipient", async () => {
    const before = peer.received.length;
    const res = await a.admin.post("/api/v1/settings/notifications/email/test", form({ test_email: "" }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(peer.received.length).toBe(before);
    expectError(
      await a.admin.post("/api/v1/settings/notifications/email/test", form({ test_email: "nope" })),
      400,
      /^test_email: /,
    );
    expectError(
      await a.admin.post("/api/v1/settings/notifications/email/test", form({ test_email: "x@refused.example" })),
      400,
      /^host: .*refused the RCPT TO command/,
    );
    expectError(
      await a.admin.post(
        "/api/v1/settings/notifications/email/test",
        form({ "notification.email.email_address": "", "notification.email.username": "bob" }),
      ),
      400,
      /^email_address: required to send a test message/,
    );
    expectError(
      await a.admin.post("/api/v1/settings/notifications/email/test", form({ bogus: 1 })),
      400,
      /^bogus: unknown setting/,
    );
  });
});
