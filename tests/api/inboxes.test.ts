import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { unseal } from "@helperiq/core/crypto/secret-box";
import { readEmailInbox } from "@helperiq/core/inbox/email-config";
import { readLivechatInbox } from "@helperiq/core/inbox/livechat-config";
import { inboxes } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Reply, type TestApp } from "../support/app.ts";
import { startDovecot, type Dovecot } from "../support/dovecot.ts";
import { createAgent, createConversation, createTenant, type TestTenant } from "../support/factories.ts";
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.ts";

const PATH = "/api/v1/inboxes";
const MASK = "••••••••";
const IMAP_PASSWORD = "imap-pass-Zq81";
const SMTP_PASSWORD = "smtp-pass-Kx47";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let peer: SmtpPeer;
/** An SMTP server that requires AUTH (bob / right). */
let authServer: SMTPServer;
let authPort: number;
/** Accepts connections and never says a word. */
let silent: Server;
let silentPort: number;
let closedPort: number;

function listen(server: { listen(port: number, host: string, cb: () => void): unknown }, address: () => AddressInfo) {
  return new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve(address().port)));
}

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  peer = await startSmtpPeer();
  authServer = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "bob" && auth.password === "right") return callback(null, { user: "bob" });
      callback(new Error("Invalid username or password"));
    },
  });
  authPort = await listen(authServer, () => authServer.server.address() as AddressInfo);
  silent = createServer(() => {});
  silentPort = await listen(silent, () => silent.address() as AddressInfo);
  const closed = createServer();
  closedPort = await listen(closed, () => closed.address() as AddressInfo);
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  await peer.close();
  await new Promise<void>((resolve) => authServer.close(() => resolve()));
  await new Promise((resolve) => silent.close(resolve));
  await t.close();
});

const peerPort = () => Number(new URL(peer.url).port);

function emailBody(overrides: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  return {
    name: "Support",
    channel: "email",
    from: "Acme Support <support@acme.example>",
    config: {
      imap: [{ host: "imap.acme.example", username: "support@acme.example", password: IMAP_PASSWORD }],
      smtp: [
        { host: "127.0.0.1", port: closedPort, tls: "none", username: "support@acme.example", password: SMTP_PASSWORD },
      ],
      aliases: ["help@acme.example", "Billing <billing@acme.example>"],
      ...config,
    },
    ...overrides,
  };
}

async function created(body: unknown, tenant = a): Promise<any> {
  const res = await tenant.admin.post(PATH, body);
  if (res.status !== 201) throw new Error(`create inbox: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

async function rowOf(id: number) {
  const [row] = await t.database.db.select().from(inboxes).where(eq(inboxes.id, id));
  return row!;
}

const expectInputError = (res: Reply, field: string | RegExp) => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.data.type).toBe("InputError");
  if (typeof field === "string")
    expect(res.body.data.message.startsWith(`${field}: `), res.body.data.message).toBe(true);
  else expect(res.body.data.message).toMatch(field);
};

describe("email inboxes", () => {
  it("creates an inbox with defaults filled in and its passwords masked", async () => {
    const res = await a.admin.post(PATH, emailBody());
    expect(res.status).toBe(201);
    const inbox = res.body.data;
    expect(inbox).toMatchObject({
      name: "Support",
      channel: "email",
      enabled: true,
      from: "Acme Support <support@acme.example>",
      csat_enabled: false,
      config: {
        auth_type: "password",
        from: "Acme Support <support@acme.example>",
        imap: [
          {
            host: "imap.acme.example",
            port: 993,
            tls: "tls",
            username: "support@acme.example",
            password: MASK,
            mailbox: "INBOX",
            read_interval: "5m",
            tls_skip_verify: false,
          },
        ],
        smtp: [
          { host: "127.0.0.1", port: closedPort, tls: "none", password: MASK, max_conns: 10, tls_skip_verify: false },
        ],
        reply_to: "",
        aliases: ["help@acme.example", "Billing <billing@acme.example>"],
        signature: "",
        auto_assign_on_reply: false,
        enable_plus_addressing: false,
        skip_pci_scan: false,
      },
    });
    expect(inbox.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof inbox.created_at).toBe("string");
    expect(JSON.stringify(res.body)).not.toContain(IMAP_PASSWORD);
    expect(JSON.stringify(res.body)).not.toContain(SMTP_PASSWORD);
  });

  it("derives ports from the TLS mode", async () => {
    const inbox = await created(
      emailBody(
        {},
        {
          imap: [{ host: "imap.acme.example", tls: "starttls", username: "u", password: "p" }],
          smtp: [{ host: "smtp.acme.example", tls: "tls" }],
        },
      ),
    );
    expect(inbox.config.imap[0].port).toBe(143);
    expect(inbox.config.smtp[0]).toMatchObject({ port: 465, username: "", password: "" });
    const plain = await created(
      emailBody({}, { smtp: [{ host: "smtp.acme.example" }, { host: "relay.acme.example", tls: "none" }] }),
    );
    expect(plain.config.smtp.map((s: { port: number; tls: string }) => [s.tls, s.port])).toEqual([
      ["starttls", 587],
      ["none", 25],
    ]);
  });

  it("stores passwords sealed, never in config, and readEmailInbox unseals them", async () => {
    const inbox = await created(emailBody());
    const row = await rowOf(inbox.id);
    expect(JSON.stringify(row.config)).not.toContain(IMAP_PASSWORD);
    expect(JSON.stringify(row.config)).not.toContain('"password":');
    expect(row.secrets).toBeTruthy();
    expect(row.secrets).not.toContain(IMAP_PASSWORD);
    expect(row.secrets).not.toContain(SMTP_PASSWORD);
    expect(JSON.parse(unseal(t.secrets, row.secrets!))).toEqual({ imap: [IMAP_PASSWORD], smtp: [SMTP_PASSWORD] });
    const read = await readEmailInbox(t.database.db, t.secrets, a.id, inbox.id);
    expect(read?.imap[0]).toMatchObject({
      host: "imap.acme.example",
      port: 993,
      password: IMAP_PASSWORD,
      mailbox: "INBOX",
    });
    expect(read?.smtp[0]).toMatchObject({ password: SMTP_PASSWORD, max_conns: 10 });
    expect(read?.from).toBe("Acme Support <support@acme.example>");
  });

  it("lists and reads inboxes without any password", async () => {
    const inbox = await created(emailBody({ name: "Listed" }));
    const list = await a.admin.get(PATH);
    expect(list.status).toBe(200);
    expect(list.body.data.map((i: { id: number }) => i.id)).toContain(inbox.id);
    const one = await a.admin.get(`${PATH}/${inbox.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual(inbox);
    for (const res of [list, one]) {
      expect(JSON.stringify(res.body)).not.toContain(IMAP_PASSWORD);
      expect(JSON.stringify(res.body)).not.toContain(SMTP_PASSWORD);
    }
    // B sees none of A's inboxes.
    expect((await b.admin.get(PATH)).body.data.map((i: { id: number }) => i.id)).not.toContain(inbox.id);
  });

  it("keeps stored passwords when the view is sent back masked, or a password is omitted", async () => {
    const inbox = await created(emailBody());
    const back = await a.admin.put(`${PATH}/${inbox.id}`, { ...inbox, name: "Renamed" });
    expect(back.status).toBe(200);
    expect(back.body.data).toMatchObject({
      name: "Renamed",
      config: { imap: [{ password: MASK }], smtp: [{ password: MASK }] },
    });
    const omitted = inbox.config.smtp.map(({ password: _, ...server }: Record<string, unknown>) => server);
    expect(
      (await a.admin.put(`${PATH}/${inbox.id}`, { config: { smtp: omitted, signature: "<p>Thanks</p>" } })).status,
    ).toBe(200);
    const read = await readEmailInbox(t.database.db, t.secrets, a.id, inbox.id);
    expect(read?.imap[0]?.password).toBe(IMAP_PASSWORD);
    expect(read?.smtp[0]?.password).toBe(SMTP_PASSWORD);
    expect(read?.config.signature).toBe("<p>Thanks</p>");
    // A new password replaces only that server's.
    const smtp = [{ ...inbox.config.smtp[0], password: "brand-new-pass" }];
    const changed = await a.admin.put(`${PATH}/${inbox.id}`, { config: { smtp } });
    expect(JSON.stringify(changed.body)).not.toContain("brand-new-pass");
    const after = await readEmailInbox(t.database.db, t.secrets, a.id, inbox.id);
    expect([after?.imap[0]?.password, after?.smtp[0]?.password]).toEqual([IMAP_PASSWORD, "brand-new-pass"]);
  });

  it("matches kept passwords by server index and refuses to move one to another host", async () => {
    const inbox = await created(
      emailBody(
        {},
        { imap: [1, 2].map((n) => ({ host: `imap${n}.acme.example`, username: `u${n}`, password: `pw-${n}-secret` })) },
      ),
    );
    const moved = inbox.config.imap.map((s: Record<string, unknown>, i: number) =>
      i === 1 ? { ...s, host: "evil.example" } : s,
    );
    const res = await a.admin.put(`${PATH}/${inbox.id}`, { config: { imap: moved } });
    expectInputError(res, "config.imap[1].password");
    expect(res.body.data.message).toMatch(/host or username changed/);
    // Swapping the two servers is a change of host for both indexes.
    expectInputError(
      await a.admin.put(`${PATH}/${inbox.id}`, { config: { imap: [...inbox.config.imap].reverse() } }),
      "config.imap[0].password",
    );
    const fixed = moved.map((s: Record<string, unknown>, i: number) =>
      i === 1 ? { ...s, password: "pw-evil-new" } : s,
    );
    expect((await a.admin.put(`${PATH}/${inbox.id}`, { config: { imap: fixed } })).status).toBe(200);
    const read = await readEmailInbox(t.database.db, t.secrets, a.id, inbox.id);
    expect(read?.imap.map((s) => [s.host, s.password])).toEqual([
      ["imap1.acme.example", "pw-1-secret"],
      ["evil.example", "pw-evil-new"],
    ]);
  });

  it("names the offending field of an invalid config", async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{}, { imap: [{ host: "imap.acme.example", port: 70000, username: "u", password: "p" }] }, "config.imap[0].port"],
      [{}, { imap: [{ host: "imap://acme.example", username: "u", password: "p" }] }, "config.imap[0].host"],
      [{}, { imap: [{ host: "imap.acme.example", username: "u" }] }, "config.imap[0].password"],
      [{}, { imap: [{ host: "imap.acme.example", username: "u", password: MASK }] }, "config.imap[0].password"],
      [
        {},
        { imap: [{ host: "imap.acme.example", username: "u", password: "p", read_interval: "5 minutes" }] },
        "config.imap[0].read_interval",
      ],
      [{}, { imap: [{ host: "imap.acme.example", username: "u", password: "p", tls: "ssl" }] }, "config.imap[0].tls"],
      [{}, { smtp: [] }, "config.smtp"],
      [{}, { smtp: [{ host: "smtp.acme.example", username: "u" }] }, "config.smtp[0].password"],
      [{}, { smtp: [{ host: "smtp.acme.example", max_conns: 0 }] }, "config.smtp[0].max_conns"],
      [{}, { aliases: ["ok@acme.example", "not an address"] }, "config.aliases[1]"],
      [{}, { reply_to: "nobody" }, "config.reply_to"],
      [{}, { auth_type: "oauth" }, "config.auth_type"],
      [{ from: "Support <not-an-address>" }, {}, "from"],
      [{ from: undefined }, {}, "from"],
      [{ name: "  " }, {}, "name"],
      [{ channel: "sms" }, {}, "channel"],
    ];
    for (const [overrides, config, field] of cases) {
      const before = (await a.admin.get(PATH)).body.data.length;
      expectInputError(await a.admin.post(PATH, emailBody(overrides, config)), field);
      expect((await a.admin.get(PATH)).body.data.length).toBe(before);
    }
    expectInputError(await a.admin.post(PATH, { ...emailBody(), config: "smtp" }), "config");
  });

  it("takes `from` from config.from too, and validates it on update", async () => {
    const { from: _, ...body } = emailBody();
    const inbox = await created({ ...body, config: { ...body.config, from: "desk@acme.example" } });
    expect(inbox.from).toBe("desk@acme.example");
    expectInputError(await a.admin.put(`${PATH}/${inbox.id}`, { from: "nope" }), "from");
    const res = await a.admin.put(`${PATH}/${inbox.id}`, { from: '"Acme, Desk" <desk@acme.example>' });
    expect(res.body.data.from).toBe('"Acme, Desk" <desk@acme.example>');
  });

  it("does not change the channel of an inbox", async () => {
    const inbox = await created(emailBody());
    expectInputError(await a.admin.put(`${PATH}/${inbox.id}`, { channel: "livechat" }), "channel");
    expect((await rowOf(inbox.id)).channel).toBe("email");
    expect(
      (await a.admin.put(`${PATH}/${inbox.id}`, { channel: "email", csat_enabled: true })).body.data.csat_enabled,
    ).toBe(true);
  });

  it("toggles an inbox off and on (PUT /api/v1/inboxes/:id/toggle); a disabled inbox is not served to the poller or sender", async () => {
    const inbox = await created(emailBody());
    const off = await a.admin.put(`${PATH}/${inbox.id}/toggle`);
    expect(off.status).toBe(200);
    expect(off.body.data.enabled).toBe(false);
    expect(await readEmailInbox(t.database.db, t.secrets, a.id, inbox.id)).toBeUndefined();
    const on = await a.admin.put(`${PATH}/${inbox.id}/toggle`);
    expect(on.body.data.enabled).toBe(true);
    expect(await readEmailInbox(t.database.db, t.secrets, a.id, inbox.id)).toBeDefined();
  });

  it("soft-deletes an inbox (DELETE /api/v1/inboxes/:id): gone from the API, its secrets dropped, its conversations intact", async () => {
    const inbox = await created(emailBody({ name: "Doomed" }));
    const conversation = await createConversation(t, a, { inboxId: inbox.id, subject: "Still here" });
    const res = await a.admin.delete(`${PATH}/${inbox.id}`);
    expect(res.status).toBe(200);
    expect((await a.admin.get(`${PATH}/${inbox.id}`)).status).toBe(404);
    expect((await a.admin.put(`${PATH}/${inbox.id}/toggle`)).status).toBe(404);
    expect((await a.admin.delete(`${PATH}/${inbox.id}`)).status).toBe(404);
    expect((await a.admin.get(PATH)).body.data.map((i: { id: number }) => i.id)).not.toContain(inbox.id);
    const row = await rowOf(inbox.id);
    expect(row.deletedAt).not.toBeNull();
    expect(row.enabled).toBe(false);
    expect(row.secrets).toBeNull();
    expect(await readEmailInbox(t.database.db, t.secrets, a.id, inbox.id)).toBeUndefined();
    const still = await a.admin.get(`/api/v1/conversations/${conversation.uuid}`);
    expect(still.status).toBe(200);
    expect(still.body.data).toMatchObject({ subject: "Still here", inbox_id: inbox.id });
  });
});

describe("live-chat inboxes", () => {
  const livechat = (config: Record<string, unknown> = {}) => ({ name: "Website chat", channel: "livechat", config });

  it("creates one with widget defaults and a generated site secret shown only in the create response", async () => {
    const domains = ["Acme.example", "*.acme.example", "localhost:3000", "https://shop.acme.example/"];
    const res = await a.admin.post(PATH, livechat({ allowed_domains: domains, greeting: "Hi!" }));
    expect(res.status).toBe(201);
    const inbox = res.body.data;
    expect(inbox).toMatchObject({
      channel: "livechat",
      from: "",
      config: {
        allowed_domains: ["acme.example", "*.acme.example", "localhost:3000", "shop.acme.example"],
        greeting: "Hi!",
        launcher: { position: "right", color: "#2563eb", spacing_side: 20, spacing_bottom: 20 },
        prechat_form: { enabled: false, fields: [] },
      },
    });
    const secret = inbox.config.site_secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await rowOf(inbox.id);
    expect(row.secrets).not.toContain(secret);
    expect(JSON.stringify(row.config)).not.toContain(secret);
    const again = await a.admin.get(`${PATH}/${inbox.id}`);
    expect(again.body.data.config.site_secret).toBe(MASK);
    expect(JSON.stringify(again.body)).not.toContain(secret);
    const read = await readLivechatInbox(t.database.db, t.secrets, a.id, inbox.uuid);
    expect(read).toMatchObject({ id: inbox.id, tenantId: a.id, siteSecret: secret, config: { greeting: "Hi!" } });
    expect(read?.config).not.toHaveProperty("site_secret");
    // The widget addresses an inbox by uuid alone.
    expect((await readLivechatInbox(t.database.db, t.secrets, undefined, inbox.uuid))?.id).toBe(inbox.id);
  });

  it("masks a site secret the admin chose, keeps it on a masked PUT and rotates it on a new one", async () => {
    const chosen = "site-secret-chosen-by-admin-0001";
    const inbox = await created(
      livechat({ site_secret: chosen, prechat_form: { enabled: true, fields: [{ key: "order_no", label: "Order" }] } }),
    );
    expect(inbox.config.site_secret).toBe(MASK);
    expect(inbox.config.prechat_form.fields[0]).toMatchObject({ key: "order_no", type: "text", required: false });
    const kept = await a.admin.put(`${PATH}/${inbox.id}`, { ...inbox, config: { ...inbox.config, greeting: "Hello" } });
    expect(kept.status).toBe(200);
    expect((await readLivechatInbox(t.database.db, t.secrets, a.id, inbox.uuid))?.siteSecret).toBe(chosen);
    const rotated = await a.admin.put(`${PATH}/${inbox.id}`, {
      config: { site_secret: "a-brand-new-site-secret-0002" },
    });
    expect(rotated.body.data.config).toMatchObject({ site_secret: MASK, greeting: "Hello" });
    expect(JSON.stringify(rotated.body)).not.toContain("a-brand-new-site-secret-0002");
    expect((await readLivechatInbox(t.database.db, t.secrets, a.id, inbox.uuid))?.siteSecret).toBe(
      "a-brand-new-site-secret-0002",
    );
    expect(JSON.parse(unseal(t.secrets, (await rowOf(inbox.id)).secrets!))).toEqual({
      site_secret: "a-brand-new-site-secret-0002",
    });
  });

  it("names the offending field of an invalid widget config", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ allowed_domains: ["https://acme.example/chat"] }, "config.allowed_domains[0]"],
      [{ allowed_domains: ["*", "acme .example"] }, "config.allowed_domains[1]"],
      [{ launcher: { color: "red" } }, "config.launcher.color"],
      [{ launcher: { position: "top" } }, "config.launcher.position"],
      [
        { prechat_form: { fields: [{ key: "plan", label: "Plan", type: "select" }] } },
        "config.prechat_form.fields[0].options",
      ],
      [{ prechat_form: { fields: [{ key: "Bad Key", label: "X" }] } }, "config.prechat_form.fields[0].key"],
      [
        {
          prechat_form: {
            fields: [
              { key: "a", label: "A" },
              { key: "a", label: "B" },
            ],
          },
        },
        "config.prechat_form.fields",
      ],
      [{ logo_url: "javascript:alert(1)" }, "config.logo_url"],
      [{ site_secret: "short" }, "config.site_secret"],
    ];
    for (const [config, field] of cases) expectInputError(await a.admin.post(PATH, livechat(config)), field);
    expectInputError(await a.admin.post(PATH, { ...livechat(), from: "not-an-address" }), "from");
  });

  it("is read for the widget only while enabled, live-chat, of the workspace and not deleted", async () => {
    const inbox = await created(livechat());
    const email = await created(emailBody());
    const read = (tenantId: number | undefined, uuid: string) =>
      readLivechatInbox(t.database.db, t.secrets, tenantId, uuid);
    expect(await read(b.id, inbox.uuid)).toBeUndefined();
    expect(await read(a.id, email.uuid)).toBeUndefined();
    expect(await read(a.id, "not-a-uuid")).toBeUndefined();
    await a.admin.put(`${PATH}/${inbox.id}/toggle`);
    expect(await read(a.id, inbox.uuid)).toBeUndefined();
    await a.admin.put(`${PATH}/${inbox.id}/toggle`);
    expect(await read(a.id, inbox.uuid)).toBeDefined();
    await a.admin.delete(`${PATH}/${inbox.id}`);
    expect(await read(a.id, inbox.uuid)).toBeUndefined();
  });

  it("has no mail servers to test, and keeps its channel", async () => {
    const inbox = await created(livechat());
    expectInputError(await a.admin.post(`${PATH}/${inbox.id}/test-smtp`), "channel");
    expectInputError(await a.admin.post(`${PATH}/${inbox.id}/test-imap`), "channel");
    expectInputError(await a.admin.put(`${PATH}/${inbox.id}`, { channel: "email" }), "channel");
  });
});

describe("access", () => {
  const routes = (id: number): [string, string][] => [
    ["GET", PATH],
    ["POST", PATH],
    ["GET", `${PATH}/${id}`],
    ["PUT", `${PATH}/${id}`],
    ["DELETE", `${PATH}/${id}`],
    ["PUT", `${PATH}/${id}/toggle`],
    ["POST", `${PATH}/${id}/test-imap`],
    ["POST", `${PATH}/${id}/test-smtp`],
  ];

  it("needs inboxes:manage on every route", async () => {
    const inbox = await created(emailBody());
    const agent = await createAgent(t, a, { permissions: ["conversations:read", "conversations:write"] });
    for (const [method, path] of routes(inbox.id)) {
      expect(
        (await agent.client.request(method, path, method === "GET" || method === "DELETE" ? undefined : emailBody()))
          .status,
      ).toBe(403);
      expect((await a.anonymous.request(method, path)).status).toBe(401);
    }
    const manager = await createAgent(t, a, { permissions: ["inboxes:manage"] });
    expect((await manager.client.get(`${PATH}/${inbox.id}`)).status).toBe(200);
    expect((await rowOf(inbox.id)).deletedAt).toBeNull();
  });

  it("answers 404 for another workspace's inbox and changes nothing of it", async () => {
    const theirs = await created(emailBody({ name: "B's inbox" }), b);
    const before = await rowOf(theirs.id);
    for (const [method, path] of routes(theirs.id)) {
      if (!path.includes(String(theirs.id))) continue;
      const res = await a.admin.request(
        method,
        path,
        method === "GET" || method === "DELETE" ? undefined : { name: "Stolen", enabled: false },
      );
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await rowOf(theirs.id)).toEqual(before);
    expect((await a.admin.get(`${PATH}/999999`)).status).toBe(404);
    expectInputError(await a.admin.get(`${PATH}/abc`), "id");
  });
});

describe("test-smtp", () => {
  const smtpInbox = (server: Record<string, unknown>) =>
    created(emailBody({}, { smtp: [{ host: "127.0.0.1", tls: "none", ...server }] }));

  it("connects to a real SMTP server and reports the round trip", async () => {
    const inbox = await smtpInbox({ port: peerPort() });
    const res = await a.admin.post(`${PATH}/${inbox.id}/test-smtp`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ ok: true, latency_ms: expect.any(Number) });
    expect(res.body.data.latency_ms).toBeGreaterThan(0);
  });

  it("says the connection was refused", async () => {
    const inbox = await smtpInbox({ port: closedPort });
    const res = await a.admin.post(`${PATH}/${inbox.id}/test-smtp`);
    expectInputError(res, "config.smtp[0]");
    expect(res.body.data.message).toBe(
      `config.smtp[0]: could not connect to 127.0.0.1:${closedPort}: connection refused`,
    );
  });

  it("authenticates with the stored password, and says when the server refuses it", async () => {
    const good = await smtpInbox({ port: authPort, username: "bob", password: "right" });
    expect((await a.admin.post(`${PATH}/${good.id}/test-smtp`)).status).toBe(200);
    const bad = await smtpInbox({ port: authPort, username: "bob", password: "wrong" });
    const res = await a.admin.post(`${PATH}/${bad.id}/test-smtp`);
    expectInputError(res, "config.smtp[0]");
    // In words, without the server's reply text (a banner or reply is whatever the far end chose to send).
    expect(res.body.data.message).toBe("config.smtp[0]: authentication failed: check the username and password");
    expect(res.body.data.message).not.toContain("wrong");
    expect(res.body.data.message).not.toContain("Invalid username or password");
  });

  it("tests unsaved settings with the stored password, without saving them", async () => {
    const inbox = await smtpInbox({ port: closedPort, username: "bob", password: "right" });
    const unsaved = { smtp: [{ ...inbox.config.smtp[0], port: authPort }] };
    const res = await a.admin.post(`${PATH}/${inbox.id}/test-smtp`, { config: unsaved });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await a.admin.get(`${PATH}/${inbox.id}`)).body.data.config.smtp[0].port).toBe(closedPort);
    // Another host does not get the stored password.
    const elsewhere = { smtp: [{ ...inbox.config.smtp[0], host: "localhost", port: authPort }] };
    expectInputError(
      await a.admin.post(`${PATH}/${inbox.id}/test-smtp`, { config: elsewhere }),
      "config.smtp[0].password",
    );
    expectInputError(
      await a.admin.post(`${PATH}/${inbox.id}/test-smtp`, { config: { smtp: [{ host: "x", port: 0 }] } }),
      "config.smtp[0].port",
    );
  });

  it("says the TLS handshake failed when the server does not speak TLS", async () => {
    const inbox = await smtpInbox({ port: peerPort(), tls: "tls" });
    const res = await a.admin.post(`${PATH}/${inbox.id}/test-smtp`);
    expectInputError(res, /^config\.smtp\[0\]: TLS handshake failed with 127\.0\.0\.1:\d+/);
    const starttls = await smtpInbox({ port: peerPort(), tls: "starttls" });
    expectInputError(
      await a.admin.post(`${PATH}/${starttls.id}/test-smtp`),
      /^config\.smtp\[0\]: TLS handshake failed/,
    );
  });

  it("checks the certificate of an implicit-TLS server unless told to skip it", async () => {
    // smtp-server's built-in certificate: not one a client may trust.
    const tlsServer = new SMTPServer({ secure: true, authOptional: true, logger: false });
    tlsServer.on("error", () => {});
    const port = await listen(tlsServer, () => tlsServer.server.address() as AddressInfo);
    try {
      const checked = await smtpInbox({ port, tls: "tls" });
      expectInputError(
        await a.admin.post(`${PATH}/${checked.id}/test-smtp`),
        /^config\.smtp\[0\]: TLS handshake failed with 127\.0\.0\.1:\d+: the server's certificate/,
      );
      const skipped = await smtpInbox({ port, tls: "tls", tls_skip_verify: true });
      expect((await a.admin.post(`${PATH}/${skipped.id}/test-smtp`)).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    }
  });

  it("gives up on a server that never answers", async () => {
    const inbox = await smtpInbox({ port: silentPort });
    const started = Date.now();
    const res = await a.admin.post(`${PATH}/${inbox.id}/test-smtp`);
    expectInputError(res, /^config\.smtp\[0\]: 127\.0\.0\.1:\d+: timed out after 5 s/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("test-imap", () => {
  let dovecot: Dovecot | undefined;
  let dovecotError: unknown;
  beforeAll(async () => {
    try {
      dovecot = await startDovecot();
    } catch (err) {
      dovecotError = err;
    }
  });
  afterAll(() => dovecot?.stop());

  const imapInbox = (server: Record<string, unknown>) =>
    created(emailBody({}, { imap: [{ host: "127.0.0.1", tls: "none", username: "u", password: "p", ...server }] }));

  it("says the connection was refused", async () => {
    const inbox = await imapInbox({ port: closedPort });
    const res = await a.admin.post(`${PATH}/${inbox.id}/test-imap`);
    expect(res.body.data.message).toBe(
      `config.imap[0]: could not connect to 127.0.0.1:${closedPort}: connection refused`,
    );
  });

  it("tests one server of several by its index, with its stored password", async () => {
    if (!dovecot) throw dovecotError;
    const good = await dovecot.addUser();
    const inbox = await created(
      emailBody(
        {},
        {
          imap: [{ host: "127.0.0.1", tls: "none", username: "u", password: "p", port: closedPort }, good],
        },
      ),
    );
    const second = await a.admin.post(`${PATH}/${inbox.id}/test-imap`, { server: 1 });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.data).toEqual({ ok: true, latency_ms: expect.any(Number) });
    // The first alone fails, named by its own index; all in turn stop at it too.
    expect((await a.admin.post(`${PATH}/${inbox.id}/test-imap`, { server: 0 })).body.data.message).toBe(
      `config.imap[0]: could not connect to 127.0.0.1:${closedPort}: connection refused`,
    );
    expectInputError(await a.admin.post(`${PATH}/${inbox.id}/test-imap`), "config.imap[0]");
    // Unsaved edits sent back masked keep each server's stored password by its index.
    const unsaved = { imap: [inbox.config.imap[1], inbox.config.imap[0]] };
    expectInputError(
      await a.admin.post(`${PATH}/${inbox.id}/test-imap`, { config: unsaved, server: 0 }),
      "config.imap[0].password",
    );
    const res = await a.admin.post(`${PATH}/${inbox.id}/test-imap`, { server: 2 });
    expectInputError(res, "server");
    expect(res.body.data.message).toBe("server: there is no IMAP server 2 (2 configured)");
    expectInputError(await a.admin.post(`${PATH}/${inbox.id}/test-smtp`, { server: 5 }), "server");
  });

  it("says when there is no IMAP server to test", async () => {
    const inbox = await created(emailBody({}, { imap: [] }));
    expectInputError(await a.admin.post(`${PATH}/${inbox.id}/test-imap`), "config.imap");
  });

  it("gives up on a server that never greets", async () => {
    const inbox = await imapInbox({ port: silentPort });
    expectInputError(
      await a.admin.post(`${PATH}/${inbox.id}/test-imap`),
      /^config\.imap\[0\]: 127\.0\.0\.1:\d+: timed out/,
    );
  });

  it("logs in to a real Dovecot and opens the mailbox", async () => {
    if (!dovecot) throw dovecotError;
    const server = await dovecot.addUser({ mailbox: "Support" });
    const inbox = await imapInbox(server);
    const res = await a.admin.post(`${PATH}/${inbox.id}/test-imap`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ ok: true, latency_ms: expect.any(Number) });
  });

  it("reports a wrong password, a missing mailbox and TLS on a plain port", async () => {
    if (!dovecot) throw dovecotError;
    const server = await dovecot.addUser();
    const wrong = await imapInbox({ ...server, password: "not-the-password" });
    const res = await a.admin.post(`${PATH}/${wrong.id}/test-imap`);
    expectInputError(res, "config.imap[0]");
    expect(res.body.data.message).toBe("config.imap[0]: authentication failed: check the username and password");
    expect(res.body.data.message).not.toContain("not-the-password");
    const missing = await imapInbox({ ...server, mailbox: "Nope" });
    expect((await a.admin.post(`${PATH}/${missing.id}/test-imap`)).body.data.message).toBe(
      'config.imap[0]: mailbox "Nope" does not exist',
    );
    const invalid = await imapInbox({ ...server, mailbox: "Archive/Nope" });
    const refused = (await a.admin.post(`${PATH}/${invalid.id}/test-imap`)).body.data.message;
    expect(refused).toMatch(/^config\.imap\[0\]: could not open mailbox "Archive\/Nope": the server refused it/);
    expect(refused).not.toContain("Name must not have");
    const tls = await imapInbox({ ...server, tls: "tls" });
    expectInputError(await a.admin.post(`${PATH}/${tls.id}/test-imap`), /^config\.imap\[0\]: TLS handshake failed/);
  });
});
