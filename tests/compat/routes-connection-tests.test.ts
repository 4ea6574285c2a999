/**
 * LibreDesk's "test connection" buttons on unsaved forms: `POST /inboxes/test` (the inbox form's IMAP and
 * SMTP servers) and `POST /settings/notifications/email/test` (the notification SMTP form, LibreDesk's
 * `notification.email.*` names or the bare ones). Real servers on loopback; nothing is ever saved.
 */
import { createServer, type AddressInfo, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.ts";
import { expectError } from "./routes-support.ts";

let t: TestApp;
let peer: SmtpPeer;
let authPeer: SmtpPeer;
let closed: Server;
let closedPort: number;
let a: TestTenant;
let agent: TestAgent;

const portOf = (p: SmtpPeer) => Number(new URL(p.url).port);

beforeAll(async () => {
  [t, peer, authPeer] = await Promise.all([
    bootTestApp(),
    startSmtpPeer(),
    startSmtpPeer({ auth: { username: "bob", password: "right" } }),
  ]);
  // A port nothing listens on any more: connections are refused.
  closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  a = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(async () => {
  await t?.close();
  await peer?.close();
  await authPeer?.close();
});

describe("POST /api/v1/inboxes/test", () => {
  const form = (smtp: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    name: "Support",
    channel: "email",
    from: "Support <support@acme.test>",
    config: {
      auth_type: "password",
      smtp: [{ host: "127.0.0.1", tls: "none", username: "", password: "", ...smtp }],
      ...extra,
    },
  });

  it("connects to the unsaved form's servers and saves nothing", async () => {
    const res = await a.admin.post(
      "/api/v1/inboxes/test",
      form({ port: authPort(), username: "bob", password: "right" }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({
      ok: true,
      success: true,
      latency_ms: expect.any(Number),
      imap_logs: [],
      smtp_logs: [expect.stringMatching(/^SMTP 127\.0\.0\.1:\d+ \(no TLS\): logged in as bob in \d+ ms$/)],
    });
    expect((await a.admin.get("/api/v1/inboxes")).body.data).toEqual([]);
  });

  it("names the failing server with the reason", async () => {
    const refused = await a.admin.post("/api/v1/inboxes/test", form({ port: closedPort }));
    expectError(
      refused,
      400,
      new RegExp(`^config\\.smtp\\[0\\]: could not connect to 127\\.0\\.0\\.1:${closedPort}: connection refused`),
    );
    const badLogin = await a.admin.post(
      "/api/v1/inboxes/test",
      form({ port: authPort(), username: "bob", password: "wrong" }),
    );
    expectError(badLogin, 400, /^config\.smtp\[0\]: authentication failed/);
    const imap = await a.admin.post("/api/v1/inboxes/test", {
      ...form({ port: portOf(peer) }),
      config: {
        ...form({ port: portOf(peer) }).config,
        imap: [{ host: "127.0.0.1", port: closedPort, tls: "none", username: "u", password: "p" }],
      },
    });
    expectError(imap, 400, /^config\.imap\[0\]: could not connect/);
  });

  it("validates the form as a create would", async () => {
    expectError(await a.admin.post("/api/v1/inboxes/test", { channel: "livechat", config: {} }), 400, /^channel: /);
    expectError(
      await a.admin.post("/api/v1/inboxes/test", { channel: "email", from: "support@acme.test", config: {} }),
      400,
      /^config\.smtp: /,
    );
    expectError(
      await a.admin.post("/api/v1/inboxes/test", { channel: "email", from: "support@acme.test", config: { smtp: [] } }),
      400,
      /^config\.smtp: /,
    );
    expectError(await a.admin.post("/api/v1/inboxes/test", form({ port: 0 })), 400, /^config\.smtp\[0\]\.port: /);
    expectError(
      await a.admin.post("/api/v1/inboxes/test", {
        ...form({ port: 25 }),
        from: undefined,
        config: { smtp: [{ host: "h", port: 25 }] },
      }),
      400,
      /^from: /,
    );
  });

  it("needs inboxes:manage", async () => {
    expectError(await agent.client.post("/api/v1/inboxes/test", form({ port: portOf(peer) })), 403);
  });
});

describe("POST /api/v1/settings/notifications/email/test", () => {
  const SETTINGS = "/api/v1/settings/notifications/email";

  it("logs in to the form's SMTP server (LibreDesk's names) and saves nothing", async () => {
    const res = await a.admin.post(`${SETTINGS}/test`, {
      "notification.email.enabled": true,
      "notification.email.host": "127.0.0.1",
      "notification.email.port": authPort(),
      "notification.email.username": "bob",
      "notification.email.password": "right",
      "notification.email.auth_protocol": "login",
      "notification.email.tls_type": "none",
      "notification.email.email_address": "Acme <notify@acme.test>",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({
      ok: true,
      success: true,
      latency_ms: expect.any(Number),
      logs: [expect.stringMatching(/: logged in as bob in \d+ ms$/)],
    });
    expect((await a.admin.get(SETTINGS)).body.data).toMatchObject({ host: "", enabled: false });
  });

  it("says why the server refused", async () => {
    expectError(
      await a.admin.post(`${SETTINGS}/test`, { host: "127.0.0.1", port: closedPort, tls_type: "none" }),
      400,
      /^host: could not connect/,
    );
    expectError(
      await a.admin.post(`${SETTINGS}/test`, {
        host: "127.0.0.1",
        port: authPort(),
        tls_type: "none",
        username: "bob",
        password: "wrong",
      }),
      400,
      /^host: authentication failed/,
    );
    expectError(await a.admin.post(`${SETTINGS}/test`, {}), 400, /^host: required/);
    expectError(
      await a.admin.post(`${SETTINGS}/test`, { "notification.email.port": "x" }),
      400,
      /^notification\.email\.port: /,
    );
    expectError(await a.admin.post(`${SETTINGS}/test`, { bogus: 1 }), 400, /^bogus: /);
  });

  it("tests with the stored password on the stored host only", async () => {
    const tenant = await createTenant(t);
    const saved = await tenant.admin.put(SETTINGS, {
      host: "127.0.0.1",
      port: authPort(),
      tls_type: "none",
      username: "bob",
      password: "right",
    });
    expect(saved.status).toBe(200);
    const masked = saved.body.data.password as string;
    expect((await tenant.admin.post(`${SETTINGS}/test`, { password: masked })).status).toBe(200);
    expectError(
      await tenant.admin.post(`${SETTINGS}/test`, { host: "localhost", password: masked }),
      400,
      /^password: enter it again/,
    );
  });

  it("needs notification_settings:manage", async () => {
    expectError(await agent.client.post(`${SETTINGS}/test`, { host: "127.0.0.1", port: portOf(peer) }), 403);
  });
});

function authPort() {
  return portOf(authPeer);
}
