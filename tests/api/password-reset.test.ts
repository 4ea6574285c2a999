import { createSmtpMailer } from "@helperiq/adapters/mail/smtp";
import { passwordTokens, users } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { decodeQuotedPrintable, REFUSED_DOMAIN, startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.ts";

const NEW_PASSWORD = "a brand new passphrase";
const HOUR = 60 * 60_000;

let peer: SmtpPeer;
let mailer: ReturnType<typeof createSmtpMailer>;
let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  peer = await startSmtpPeer();
  mailer = createSmtpMailer({ url: peer.url, from: "HelperIQ <no-reply@helperiq.test>" });
  t = await bootTestApp({}, undefined, mailer);
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(async () => {
  await t?.close();
  mailer?.close();
  await peer?.close();
});

const mailsTo = (email: string) => peer.received.filter((m) => m.to.includes(email.toLowerCase()));

/** Asks for a reset link for `email` on the tenant's host, lets the queued mail go out, returns the reply. */
async function requestReset(tenant: TestTenant, email: string) {
  const res = await tenant.anonymous.post("/api/v1/agents/reset-password", { email });
  await t.queue.drain();
  return res;
}

/** The token of the newest reset link mailed to `email`, checking the link points at `origin`. */
function tokenMailedTo(email: string, origin: string): string {
  const mail = mailsTo(email).at(-1);
  if (!mail) throw new Error(`no mail to ${email}`);
  const escaped = origin.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const match = new RegExp(`${escaped}/reset-password\\?token=([a-z0-9]+)`).exec(decodeQuotedPrintable(mail.raw));
  if (!match) throw new Error(`no reset link to ${origin} in:\n${mail.raw}`);
  return match[1]!;
}

async function resetTokenFor(agent: TestAgent, tenant: TestTenant = a): Promise<string> {
  expect((await requestReset(tenant, agent.email)).status).toBe(200);
  return tokenMailedTo(agent.email, `http://${tenant.host}`);
}

const setPassword = (tenant: TestTenant, token: string, password = NEW_PASSWORD) =>
  tenant.anonymous.post("/api/v1/agents/set-password", { token, password });

const loginStatus = async (tenant: TestTenant, email: string, password: string) =>
  (await tenant.anonymous.post("/api/v1/auth/login", { email, password })).status;

describe("password reset: happy path", () => {
  it("mails a link whose token sets a new password, ends the agent's sessions and keeps their API keys", async () => {
    const agent = await createAgent(t, a);
    const oldSession = await a.anonymous.login(agent.email, agent.password);
    expect((await oldSession.get("/api/v1/statuses")).status).toBe(200);

    const res = await requestReset(a, agent.email);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: true });
    const [mail, ...more] = mailsTo(agent.email);
    expect(more).toEqual([]);
    expect(mail!.from).toBe("no-reply@helperiq.test");
    expect(mail!.raw).toMatch(/^Subject: Reset your HelperIQ password\r?$/m);
    const token = tokenMailedTo(agent.email, `http://${a.host}`);

    const set = await setPassword(a, token);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ data: true });

    expect(await loginStatus(a, agent.email, NEW_PASSWORD)).toBe(200);
    expect(await loginStatus(a, agent.email, agent.password)).toBe(401);
    expect((await oldSession.get("/api/v1/statuses")).status).toBe(401);
    expect((await agent.client.get("/api/v1/statuses")).status).toBe(200);
  });

  it("stores only the token's hash, expiring an hour after the request", async () => {
    const agent = await createAgent(t, a);
    const token = await resetTokenFor(agent);
    const rows = await t.database.db.select().from(passwordTokens).where(eq(passwordTokens.userId, agent.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(token);
    expect(rows[0]!.expiresAt.getTime() - t.clock.now().getTime()).toBe(HOUR);
    expect(rows[0]!.usedAt).toBeNull();
  });

  it("finds the agent whatever the case of the email", async () => {
    const agent = await createAgent(t, a);
    expect((await requestReset(a, agent.email.toUpperCase())).status).toBe(200);
    expect(mailsTo(agent.email)).toHaveLength(1);
  });

  it("links to the workspace's root_url when an admin set one", async () => {
    const tenant = await createTenant(t);
    expect((await tenant.admin.put("/api/v1/settings/general", { root_url: "https://help.example.com/" })).status).toBe(
      200,
    );
    expect((await requestReset(tenant, tenant.adminEmail)).status).toBe(200);
    expect(tokenMailedTo(tenant.adminEmail, "https://help.example.com")).toMatch(/^[a-z0-9]+$/);
  });
});

describe("password reset: never reveals whether an account exists", () => {
  it("answers an unknown email and another workspace's agent exactly as a real agent, and mails neither", async () => {
    const agent = await createAgent(t, a);
    const known = await requestReset(a, agent.email);
    const before = peer.received.length;
    const unknown = await requestReset(a, "nobody@example.com");
    const foreign = await requestReset(b, agent.email);
    for (const res of [unknown, foreign]) {
      expect(res.status).toBe(known.status);
      expect(res.body).toEqual(known.body);
    }
    expect(peer.received.length).toBe(before);
  });

  it("sends nothing to a disabled agent", async () => {
    const agent = await createAgent(t, a);
    await t.database.db.update(users).set({ enabled: false }).where(eq(users.id, agent.id));
    const res = await requestReset(a, agent.email);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: true });
    expect(mailsTo(agent.email)).toEqual([]);
  });

  it("still answers 200 when the mail server refuses the message, and the queue logs that it gave up", async () => {
    const agent = await createAgent(t, a, { email: `agent-${Date.now()}@${REFUSED_DOMAIN}` });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await requestReset(a, agent.email);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: true });
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(/gave up mailing "Reset your HelperIQ password"/));
    } finally {
      logged.mockRestore();
    }
  });

  it("needs an email", async () => {
    const res = await a.anonymous.post("/api/v1/agents/reset-password", {});
    expect(res.status).toBe(400);
    expect(res.body.data).toMatchObject({ type: "InputError", message: expect.stringMatching(/^email: /) });
  });
});

describe("set-password", () => {
  it("accepts a token once", async () => {
    const agent = await createAgent(t, a);
    const token = await resetTokenFor(agent);
    expect((await setPassword(a, token)).status).toBe(200);
    const again = await setPassword(a, token, "yet another passphrase");
    expect(again.status).toBe(400);
    expect(again.body.data).toMatchObject({ type: "InputError", message: expect.stringMatching(/^token: /) });
    expect(await loginStatus(a, agent.email, NEW_PASSWORD)).toBe(200);
  });

  it("lets only one of two concurrent uses of a token through", async () => {
    const agent = await createAgent(t, a);
    const token = await resetTokenFor(agent);
    const replies = await Promise.all([
      setPassword(a, token, "first concurrent pass"),
      setPassword(a, token, "second concurrent pass"),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 400]);
    const winner = replies[0]!.status === 200 ? "first concurrent pass" : "second concurrent pass";
    expect(await loginStatus(a, agent.email, winner)).toBe(200);
  });

  it("refuses a token an hour after it was issued", async () => {
    const agent = await createAgent(t, a);
    const token = await resetTokenFor(agent);
    t.clock.advance(HOUR + 1000);
    const res = await setPassword(a, token);
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^token: /);
    expect(await loginStatus(a, agent.email, agent.password)).toBe(200);
  });

  it("rejects a too-short password, naming the field, and leaves the token usable", async () => {
    const agent = await createAgent(t, a);
    const token = await resetTokenFor(agent);
    const short = await setPassword(a, token, "short");
    expect(short.status).toBe(400);
    expect(short.body.data).toMatchObject({ type: "InputError", message: expect.stringMatching(/^password: /) });
    expect(await loginStatus(a, agent.email, agent.password)).toBe(200);
    expect((await setPassword(a, token)).status).toBe(200);
  });

  it("rejects an unknown token, a missing one, and a too-long password", async () => {
    expect((await setPassword(a, "not-a-real-token")).body.data.message).toMatch(/^token: /);
    expect(
      (await a.anonymous.post("/api/v1/agents/set-password", { password: NEW_PASSWORD })).body.data.message,
    ).toMatch(/^token: /);
    const agent = await createAgent(t, a);
    const token = await resetTokenFor(agent);
    expect((await setPassword(a, token, "x".repeat(73))).body.data.message).toMatch(/^password: /);
  });

  it("refuses a token on another workspace's host", async () => {
    const agent = await createAgent(t, a);
    const token = await resetTokenFor(agent);
    const res = await setPassword(b, token);
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^token: /);
    expect((await setPassword(a, token)).status).toBe(200);
  });

  it("spends the agent's other outstanding links when one is used", async () => {
    const agent = await createAgent(t, a);
    const first = await resetTokenFor(agent);
    const second = await resetTokenFor(agent);
    expect((await setPassword(a, second)).status).toBe(200);
    expect((await setPassword(a, first, "another fresh passphrase")).status).toBe(400);
  });

  it("refuses the token of an agent disabled after asking", async () => {
    const agent = await createAgent(t, a);
    const token = await resetTokenFor(agent);
    await t.database.db.update(users).set({ enabled: false }).where(eq(users.id, agent.id));
    expect((await setPassword(a, token)).status).toBe(400);
  });
});

describe("SMTP mailer", () => {
  it("rejects when the server refuses the recipient", async () => {
    await expect(mailer.send({ to: `someone@${REFUSED_DOMAIN}`, subject: "x", text: "x" })).rejects.toThrow();
  });
});
