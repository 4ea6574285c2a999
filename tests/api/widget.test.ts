import { rateBucketOf } from "@helperiq/api/rate-buckets";
import { FAMILY_ROUTES } from "@helperiq/api/routes";
import { seal } from "@helperiq/core/crypto/secret-box";
import { normalizeLivechatConfig } from "@helperiq/core/inbox/livechat-config";
import { conversations, inboxes, pageVisits, users, widgetSessions } from "@helperiq/core/schema";
import { and, count, eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, TEST_IP_HEADER, type Reply, type TestApp } from "../support/app.ts";
import { createAgent, createInbox, createTenant, type TestTenant } from "../support/factories.ts";

/**
 * The live-chat widget API, through the whole HTTP stack: a customer's page
 * (Origin https://shop.example.com) talking to a live-chat inbox as an anonymous visitor or a verified
 * contact, and agents answering through the agent API.
 */
const SHOP = "https://shop.example.com";
const SITE_SECRET = "site-secret-of-the-shop-0123456789";
const WIDGET_JS = "/* widget */ console.log('helperiq');";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let inbox: { id: number; uuid: string };
let agentEmail: string;
let agent: Client;

type InboxOptions = { allowed?: string[]; secret?: string | null; enabled?: boolean; config?: Record<string, unknown> };

/** A live-chat inbox stored as the inbox API stores one: normalised config, the site secret sealed. */
async function livechatInbox(tenant: TestTenant, opts: InboxOptions = {}) {
  const config = normalizeLivechatConfig({
    allowed_domains: opts.allowed ?? ["shop.example.com"],
    greeting: "Hi! How can we help?",
    ...opts.config,
  });
  const secret = opts.secret === undefined ? SITE_SECRET : opts.secret;
  const [row] = await t.database.db
    .insert(inboxes)
    .values({
      tenantId: tenant.id,
      name: "Website chat",
      channel: "livechat",
      enabled: opts.enabled ?? true,
      config,
      secrets: secret ? seal(t.secrets, JSON.stringify({ site_secret: secret })) : null,
    })
    .returning({ id: inboxes.id, uuid: inboxes.uuid });
  return row!;
}

let ipSeq = 0;
/** A browser on the shop's page, from its own IP (rate counters never carry over between tests). */
class Browser {
  readonly ip = `203.0.113.${++ipSeq}`;
  constructor(
    readonly tenant: TestTenant,
    readonly inboxUuid: string,
    public token?: string,
    readonly origin: string | null = SHOP,
  ) {}

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const client = new Client(t, this.tenant.host, this.token ? { bearer: this.token } : {});
    const h: Record<string, string> = { [TEST_IP_HEADER]: this.ip, ...headers };
    if (this.origin) h.origin = this.origin;
    const sep = path.includes("?") ? "&" : "?";
    return client.request(method, `${path}${sep}inbox_id=${this.inboxUuid}`, body, h);
  }

  get = (path: string) => this.request("GET", path);
  post = (path: string, body: unknown = {}, headers: Record<string, string> = {}) =>
    this.request("POST", path, body, headers);

  /** Starts a chat; without a token the reply makes this browser a visitor. */
  async start(message = "Hello, where is my order?", extra: Record<string, unknown> = {}) {
    const res = await this.post("/api/v1/widget/chat/conversations/init", { message, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    if (res.body.data.session_token) this.token = res.body.data.session_token;
    return res.body.data as { conversation: { uuid: string }; messages: any[]; session_token?: string; user?: any };
  }
}

const W = "/api/v1/widget/chat";

function jwtFor(claims: Record<string, unknown>, secret = SITE_SECRET, expiresIn: string | number | null = "5m") {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(Math.floor(t.clock.now().getTime() / 1000));
  if (expiresIn !== null) jwt.setExpirationTime(typeof expiresIn === "number" ? expiresIn : `${expiresIn}`);
  return jwt.sign(new TextEncoder().encode(secret));
}

beforeAll(async () => {
  t = await bootTestApp({ widgetScript: async () => WIDGET_JS });
  a = await createTenant(t);
  b = await createTenant(t);
  inbox = await livechatInbox(a, {
    config: {
      brand_name: "Shop support",
      prechat_form: {
        enabled: true,
        fields: [
          { key: "name", label: "Your name", type: "text" },
          { key: "order", label: "Order", type: "number" },
        ],
      },
    },
  });
  const support = await createAgent(t, a, {
    firstName: "Sam",
    permissions: [
      "conversations:read",
      "conversations:read_all",
      "conversations:read_unassigned",
      "conversations:update_status",
      "messages:read",
      "messages:write",
    ],
  });
  agentEmail = support.email;
  agent = support.client;
});
afterAll(() => t.close());

describe("public settings: GET /api/v1/widget/chat/settings/launcher, GET /api/v1/widget/chat/settings", () => {
  it("serve the launcher and the public settings of the inbox, with CORS for the allowed page", async () => {
    const browser = new Browser(a, inbox.uuid);
    const launcher = await browser.get(`${W}/settings/launcher`);
    expect(launcher.status).toBe(200);
    expect(launcher.body.data.launcher).toMatchObject({ position: "right", color: "#2563eb" });
    expect(launcher.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(launcher.headers.get("vary")).toContain("Origin");
    const settings = await browser.get(`${W}/settings`);
    expect(settings.status).toBe(200);
    expect(settings.body.data).toMatchObject({
      inbox: { uuid: inbox.uuid, name: "Website chat" },
      brand_name: "Shop support",
      greeting: "Hi! How can we help?",
      identity_verification: true,
    });
    // Server-side configuration stays on the server.
    const raw = JSON.stringify(settings.body);
    expect(raw).not.toContain("allowed_domains");
    expect(raw).not.toContain("shop.example.com");
    expect(raw).not.toContain(SITE_SECRET);
  });

  it("need the inbox uuid (400), and find only this workspace's enabled live-chat inboxes (404)", async () => {
    const noInbox = await new Client(t, a.host).request("GET", `${W}/settings`, undefined, { origin: SHOP });
    expect(noInbox.status).toBe(400);
    expect(noInbox.body.data.message).toMatch(/^inbox_id: /);
    const other = await livechatInbox(b);
    const disabled = await livechatInbox(a, { enabled: false });
    const email = await createInbox(t, a);
    for (const uuid of [other.uuid, disabled.uuid, email.uuid, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const res = await new Browser(a, uuid).get(`${W}/settings`);
      expect(res.status, uuid).toBe(404);
      expect(res.body.data.type).toBe("NotFoundError");
    }
    // B's inbox works on B's host.
    expect((await new Browser(b, other.uuid).get(`${W}/settings`)).status).toBe(200);
  });

  it("refuse pages outside the allowed domains (403, no CORS allowance); Referer stands in for Origin", async () => {
    const evil = new Browser(a, inbox.uuid, undefined, "https://evil.example.net");
    const res = await evil.get(`${W}/settings`);
    expect(res.status).toBe(403);
    expect(res.body.data.type).toBe("PermissionError");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    // A look-alike suffix is another site.
    expect(
      (await new Browser(a, inbox.uuid, undefined, "https://evilshop.example.com").get(`${W}/settings`)).status,
    ).toBe(403);
    const noOrigin = new Browser(a, inbox.uuid, undefined, null);
    expect((await noOrigin.get(`${W}/settings`)).status).toBe(403);
    const viaReferer = await noOrigin.request("GET", `${W}/settings`, undefined, {
      referer: `${SHOP}/checkout?step=2`,
    });
    expect(viaReferer.status).toBe(200);
  });

  it("accept any page when the inbox lists no domains, and wildcard subdomains when it says so", async () => {
    const open = await livechatInbox(a, { allowed: [] });
    expect(
      (await new Browser(a, open.uuid, undefined, "https://anywhere.example.org").get(`${W}/settings`)).status,
    ).toBe(200);
    expect((await new Browser(a, open.uuid, undefined, null).get(`${W}/settings`)).status).toBe(200);
    const wild = await livechatInbox(a, { allowed: ["*.example.org", "localhost:3000"] });
    expect((await new Browser(a, wild.uuid, undefined, "https://help.example.org").get(`${W}/settings`)).status).toBe(
      200,
    );
    expect((await new Browser(a, wild.uuid, undefined, "https://example.org").get(`${W}/settings`)).status).toBe(403);
    expect((await new Browser(a, wild.uuid, undefined, "http://localhost:3000").get(`${W}/settings`)).status).toBe(200);
    expect((await new Browser(a, wild.uuid, undefined, "http://localhost:3001").get(`${W}/settings`)).status).toBe(403);
  });

  it("answer CORS preflights for allowed pages only", async () => {
    const preflight = (origin: string) =>
      new Client(t, a.host).request("OPTIONS", `${W}/conversations/init?inbox_id=${inbox.uuid}`, undefined, {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      });
    const ok = await preflight(SHOP);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/authorization/i);
    expect(ok.headers.get("access-control-allow-methods")).toContain("POST");
    const refused = await preflight("https://evil.example.net");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("a visitor's first message", () => {
  it("creates the visitor, its session, the conversation and the incoming message; agents see it", async () => {
    const browser = new Browser(a, inbox.uuid);
    const before = t.published.length;
    const started = await browser.start("Hello <script>alert(1)</script>\n\nSecond line", {
      form_data: { name: "Vera", order: "1042" },
      page: { url: `${SHOP}/orders/1042`, title: "Order 1042" },
    });
    expect(started.session_token).toMatch(/^wt_[a-z0-9]{32}$/);
    expect(started.user).toMatchObject({ is_visitor: true, first_name: "Vera" });
    expect(started.conversation).toMatchObject({
      status: "Open",
      unread_count: 0,
      last_message_sender_type: "contact",
    });
    expect(started.messages).toHaveLength(1);
    expect(started.messages[0]).toMatchObject({ type: "incoming", author: { type: "contact", first_name: "Vera" } });
    // Typed text is text: escaped into the stored HTML, never markup.
    expect(started.messages[0].content).toBe("<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p><p>Second line</p>");
    const uuid = started.conversation.uuid;
    const events = t.published
      .slice(before)
      .filter((e) => "conversationUuid" in e && e.conversationUuid === uuid)
      .map((e) => e.type);
    expect(events).toEqual(["new_conversation", "new_message"]);
    // The session token is stored hashed, bound to the workspace, inbox and visitor.
    const [session] = await t.database.db
      .select()
      .from(widgetSessions)
      .where(eq(widgetSessions.contactId, started.user.user_id));
    expect(session).toMatchObject({ tenantId: a.id, inboxId: inbox.id });
    expect(session!.id).not.toContain(started.session_token!.slice(3));
    // Agents: the conversation in the live-chat inbox, from the visitor, with the pre-chat answers and the page.
    const seen = await agent.get(`/api/v1/conversations/${uuid}`);
    expect(seen.status).toBe(200);
    // Its contact says "visitor", so a client knows the contacts routes have nothing on it (404 below).
    expect(seen.body.data).toMatchObject({
      inbox_id: inbox.id,
      contact: { first_name: "Vera", email: null, type: "visitor" },
    });
    expect(seen.body.data.meta.prechat_form).toEqual({ name: "Vera", order: 1042 });
    const messages = await agent.get(`/api/v1/conversations/${uuid}/messages`);
    expect(messages.body.data.results[0]).toMatchObject({
      type: "incoming",
      sender_type: "contact",
      status: "received",
    });
    const visits = await agent.get(`/api/v1/conversations/${uuid}/page-visits`);
    expect(visits.body.data).toEqual([expect.objectContaining({ url: `${SHOP}/orders/1042`, title: "Order 1042" })]);
    // The visitor is not a contact of the contacts API.
    expect((await a.admin.get(`/api/v1/contacts/${started.user.user_id}`)).status).toBe(404);
  });

  it("flags card data typed into the chat (meta.pci_detected) for agents, and never echoes the flag to the visitor", async () => {
    const browser = new Browser(a, inbox.uuid);
    const started = await browser.start("My card is 4111 1111 1111 1111, exp 09/29, CVV 123");
    const uuid = started.conversation.uuid;
    const messages = await agent.get(`/api/v1/conversations/${uuid}/messages`);
    expect(messages.body.data.results[0].meta.pci_detected).toMatchObject({ kinds: ["card_number", "cvv", "expiry"] });
    expect(JSON.stringify(started)).not.toContain("pci_detected");
  });

  it("refuses an empty or over-long message, or a bad pre-chat answer, writing nothing", async () => {
    const tally = async () => ({
      users: (await t.database.db.select({ n: count() }).from(users).where(eq(users.tenantId, a.id)))[0]!.n,
      conversations: (
        await t.database.db.select({ n: count() }).from(conversations).where(eq(conversations.tenantId, a.id))
      )[0]!.n,
    });
    const before = await tally();
    const browser = new Browser(a, inbox.uuid);
    const cases: [unknown, RegExp][] = [
      [{ message: "   " }, /^message: required/],
      [{}, /^message: /],
      [{ message: "x".repeat(10_001) }, /^message: at most 10000/],
      [{ message: "hi", form_data: { order: "many" } }, /^form_data\.order: must be a number/],
      [{ message: "hi", form_data: { password: "x" } }, /^form_data\.password: not a field/],
      [{ message: "hi", page: { url: "javascript:alert(1)" } }, /^page\.url: /],
    ];
    for (const [body, message] of cases) {
      const res = await browser.post(`${W}/conversations/init`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data.message).toMatch(message);
      // Errors carry the CORS allowance too, so the page can read them.
      expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    }
    expect(await tally()).toEqual(before);
  });

  it("with a session opens another conversation of the same visitor, without a new token", async () => {
    const browser = new Browser(a, inbox.uuid);
    const first = await browser.start();
    const second = await browser.start("Another question");
    expect(second.session_token).toBeUndefined();
    expect(second.conversation.uuid).not.toBe(first.conversation.uuid);
    const list = await browser.get(`${W}/conversations`);
    expect(list.body.data.map((c: { uuid: string }) => c.uuid)).toEqual([
      second.conversation.uuid,
      first.conversation.uuid,
    ]);
  });
});

describe("sessions", () => {
  it("GET /api/v1/widget/chat/auth/me describes the visitor; no token, a bad one or another workspace's is 401", async () => {
    const browser = new Browser(a, inbox.uuid);
    const started = await browser.start();
    const me = await browser.get(`${W}/auth/me`);
    expect(me.status).toBe(200);
    expect(me.body.data).toEqual({
      user_id: started.user.user_id,
      is_visitor: true,
      first_name: "Visitor",
      last_name: "",
    });
    expect((await new Browser(a, inbox.uuid).get(`${W}/auth/me`)).status).toBe(401);
    expect((await new Browser(a, inbox.uuid, "wt_notatoken").get(`${W}/auth/me`)).status).toBe(401);
    expect((await new Browser(a, inbox.uuid, "lk_anapikey").get(`${W}/conversations`)).status).toBe(401);
    // A's visitor token on B's host (with B's own inbox) is no identity there.
    const bInbox = await livechatInbox(b);
    const onB = await new Browser(b, bInbox.uuid, browser.token).get(`${W}/auth/me`);
    expect(onB.status).toBe(401);
    // An agent's API key is not a widget session either.
    expect(
      (await agent.request("GET", `${W}/conversations?inbox_id=${inbox.uuid}`, undefined, { origin: SHOP })).status,
    ).toBe(401);
  });

  it("a session of one inbox is refused for another inbox's uuid", async () => {
    const browser = new Browser(a, inbox.uuid);
    await browser.start();
    const other = await livechatInbox(a);
    expect((await new Browser(a, other.uuid, browser.token).get(`${W}/conversations`)).status).toBe(401);
  });

  it("ends when its inbox is disabled", async () => {
    const own = await livechatInbox(a);
    const browser = new Browser(a, own.uuid);
    await browser.start();
    await t.database.db.update(inboxes).set({ enabled: false }).where(eq(inboxes.id, own.id));
    expect((await browser.get(`${W}/conversations`)).status).toBe(401);
    expect((await browser.post(`${W}/conversations/init`, { message: "hi" })).status).toBe(401);
  });
});

describe("conversations of a visitor", () => {
  it("show agent replies but never private notes, activity, internal fields or agent emails (GET /api/v1/widget/chat/conversations, GET /api/v1/widget/chat/conversations/:uuid)", async () => {
    const browser = new Browser(a, inbox.uuid);
    const { conversation } = await browser.start("I need help");
    const uuid = conversation.uuid;
    const reply = await agent.post(`/api/v1/conversations/${uuid}/messages`, { message: "<p>Happy to help!</p>" });
    expect(reply.status).toBe(201);
    const note = await agent.post(`/api/v1/conversations/${uuid}/messages`, {
      message: "secret internal note",
      private: true,
    });
    expect(note.status).toBe(201);
    expect((await agent.put(`/api/v1/conversations/${uuid}/status`, { status: "Resolved" })).status).toBe(200);
    await t.queue.drain();
    const detail = await browser.get(`${W}/conversations/${uuid}`);
    expect(detail.status).toBe(200);
    const texts = detail.body.data.messages.map((m: { text_content: string }) => m.text_content);
    expect(texts).toEqual(["I need help", "Happy to help!"]);
    expect(detail.body.data.messages[1]).toMatchObject({
      type: "outgoing",
      status: "sent",
      author: { type: "agent", first_name: "Sam" },
    });
    expect(detail.body.data.conversation).toMatchObject({
      status: "Resolved",
      unread_count: 1,
      last_message: "Happy to help!",
      last_message_sender_type: "agent",
    });
    const list = await browser.get(`${W}/conversations`);
    for (const res of [detail, list]) {
      const raw = JSON.stringify(res.body);
      expect(raw).not.toContain("secret internal note");
      expect(raw).not.toContain(agentEmail);
      expect(raw).not.toContain("@");
      expect(raw).not.toMatch(/"(meta|private|email|tags|custom_attributes|priority|assigned_team_id)"/);
      expect(raw).not.toContain("set status");
    }
  });

  it("a visitor's message (POST /api/v1/widget/chat/conversations/:uuid/message) reopens a resolved conversation and counts as waiting", async () => {
    const browser = new Browser(a, inbox.uuid);
    const { conversation } = await browser.start();
    const uuid = conversation.uuid;
    await agent.post(`/api/v1/conversations/${uuid}/messages`, { message: "Done!" });
    await agent.put(`/api/v1/conversations/${uuid}/status`, { status: "Resolved" });
    const before = t.published.length;
    const sent = await browser.post(`${W}/conversations/${uuid}/message`, {
      message: "One more thing",
      page: { url: `${SHOP}/faq` },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.data).toMatchObject({ type: "incoming", text_content: "One more thing", conversation_uuid: uuid });
    const update = t.published.slice(before).find((e) => e.type === "conversation_update");
    expect(update).toMatchObject({
      changes: { status: "Open", last_message: "One more thing", last_message_sender_type: "contact" },
    });
    expect(t.published.slice(before).some((e) => e.type === "new_message")).toBe(true);
    const seen = await agent.get(`/api/v1/conversations/${uuid}`);
    expect(seen.body.data).toMatchObject({ status: "Open", last_message: "One more thing" });
    expect(seen.body.data.waiting_since).not.toBeNull();
    const visits = await agent.get(`/api/v1/conversations/${uuid}/page-visits`);
    expect(visits.body.data.map((v: { url: string }) => v.url)).toContain(`${SHOP}/faq`);
  });

  it("POST /api/v1/widget/chat/conversations/:uuid/update-last-seen clears the unread count and records the page once per new URL", async () => {
    const browser = new Browser(a, inbox.uuid);
    const { conversation } = await browser.start();
    const uuid = conversation.uuid;
    await agent.post(`/api/v1/conversations/${uuid}/messages`, { message: "Reply one" });
    await agent.post(`/api/v1/conversations/${uuid}/messages`, { message: "Reply two" });
    expect((await browser.get(`${W}/conversations/${uuid}`)).body.data.conversation.unread_count).toBe(2);
    t.clock.advance(1000);
    const seen = await browser.post(`${W}/conversations/${uuid}/update-last-seen`, {
      page: { url: `${SHOP}/cart`, title: "Cart" },
    });
    expect(seen.status).toBe(200);
    expect(seen.body.data).toBe(true);
    await browser.post(`${W}/conversations/${uuid}/update-last-seen`, { page: { url: `${SHOP}/cart`, title: "Cart" } });
    expect((await browser.get(`${W}/conversations/${uuid}`)).body.data.conversation.unread_count).toBe(0);
    const [conv] = await t.database.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.uuid, uuid));
    const visits = await t.database.db
      .select()
      .from(pageVisits)
      .where(and(eq(pageVisits.conversationId, conv!.id), eq(pageVisits.url, `${SHOP}/cart`)));
    expect(visits).toHaveLength(1);
  });

  it("visitor A can neither read nor write visitor B's conversation (404), nor another workspace's", async () => {
    const alice = new Browser(a, inbox.uuid);
    const bob = new Browser(a, inbox.uuid);
    const { conversation } = await bob.start("Bob's private question");
    await alice.start("Alice here");
    const uuid = conversation.uuid;
    for (const res of [
      await alice.get(`${W}/conversations/${uuid}`),
      await alice.post(`${W}/conversations/${uuid}/message`, { message: "hijack" }),
      await alice.post(`${W}/conversations/${uuid}/update-last-seen`, {}),
      await alice.request("POST", "/api/v1/widget/media/upload", uploadForm(uuid, "x.txt", "hello")),
    ]) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain("Bob's private question");
    }
    const list = await alice.get(`${W}/conversations`);
    expect(JSON.stringify(list.body)).not.toContain(uuid);
    // Nothing was written into Bob's conversation.
    const bobs = await bob.get(`${W}/conversations/${uuid}`);
    expect(bobs.body.data.messages).toHaveLength(1);
    // A conversation of another inbox of the workspace (an agent's email ticket) is not the visitor's either.
    const ticket = await a.admin.post("/api/v1/conversations", {
      inbox_id: (await createInbox(t, a)).id,
      contact: { first_name: "Eve", email: "eve@example.org" },
      subject: "Email",
      message: "Hello Eve",
    });
    expect((await alice.get(`${W}/conversations/${ticket.body.data.uuid}`)).status).toBe(404);
    expect((await alice.get(`${W}/conversations/not-a-uuid`)).status).toBe(404);
  });
});

describe("verified contacts (POST /api/v1/widget/chat/auth/exchange)", () => {
  const claims = { external_user_id: "cust-77", email: "Kim@Customer.example", first_name: "Kim", last_name: "Lee" };

  it("trade a site-signed JWT for a session of the contact with that email", async () => {
    const browser = new Browser(a, inbox.uuid);
    const res = await browser.post(`${W}/auth/exchange`, { jwt: await jwtFor(claims) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.session_token).toMatch(/^wt_/);
    expect(res.body.data.user).toMatchObject({ is_visitor: false, first_name: "Kim", last_name: "Lee" });
    expect(res.headers.get("x-libredesk-clear-visitor")).toBeNull();
    const contact = await a.admin.get(`/api/v1/contacts/${res.body.data.user.user_id}`);
    expect(contact.body.data).toMatchObject({ email: "kim@customer.example", first_name: "Kim" });
    const signedIn = new Browser(a, inbox.uuid, res.body.data.session_token);
    expect((await signedIn.get(`${W}/auth/me`)).body.data).toMatchObject({
      is_visitor: false,
      user_id: contact.body.data.id,
    });
    const { conversation } = await signedIn.start("Hi, Kim here");
    const seen = await agent.get(`/api/v1/conversations/${conversation.uuid}`);
    expect(seen.body.data.contact).toMatchObject({ email: "kim@customer.example" });
    // Again (another device): the same contact, `sub` works as the external id.
    const again = await browser.post(`${W}/auth/exchange`, {
      jwt: await jwtFor({ sub: "cust-77", email: "kim@customer.example", name: "Kim" }),
    });
    expect(again.body.data.user.user_id).toBe(contact.body.data.id);
  });

  it("merge the visitor's history into the contact when the visitor token comes along", async () => {
    const browser = new Browser(a, inbox.uuid);
    const { conversation } = await browser.start("Asked before signing in");
    const visitorToken = browser.token!;
    const before = t.published.length;
    const res = await new Browser(a, inbox.uuid).post(
      `${W}/auth/exchange`,
      { jwt: await jwtFor({ ...claims, external_user_id: "cust-88", email: "merge@customer.example" }) },
      { "x-libredesk-visitor-token": visitorToken },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-libredesk-clear-visitor")).toBe("true");
    const contact = new Browser(a, inbox.uuid, res.body.data.session_token);
    const list = await contact.get(`${W}/conversations`);
    expect(list.body.data.map((c: { uuid: string }) => c.uuid)).toEqual([conversation.uuid]);
    const detail = await contact.get(`${W}/conversations/${conversation.uuid}`);
    expect(detail.body.data.messages[0]).toMatchObject({
      text_content: "Asked before signing in",
      author: { id: res.body.data.user.user_id },
    });
    expect(t.published.slice(before)).toContainEqual(
      expect.objectContaining({
        type: "conversation_update",
        conversationUuid: conversation.uuid,
        changes: expect.objectContaining({ contact_id: res.body.data.user.user_id }),
      }),
    );
    // The visitor is gone: its token no longer works.
    expect((await new Browser(a, inbox.uuid, visitorToken).get(`${W}/auth/me`)).status).toBe(401);
  });

  it("refuse a wrong signature, an expired or future token (401) and missing or long-lived claims (400)", async () => {
    const browser = new Browser(a, inbox.uuid);
    const exchange = async (jwt: string) => browser.post(`${W}/auth/exchange`, { jwt });
    const now = Math.floor(t.clock.now().getTime() / 1000);
    expect((await exchange(await jwtFor(claims, "another-secret"))).status).toBe(401);
    expect((await exchange(await jwtFor(claims, SITE_SECRET, now - 120))).status).toBe(401);
    expect((await exchange("not.a.jwt")).status).toBe(401);
    const future = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt(now + 3600)
      .setExpirationTime(now + 3700)
      .sign(new TextEncoder().encode(SITE_SECRET));
    expect((await exchange(future)).status).toBe(401);
    const missing: [Record<string, unknown>, string | number | null, RegExp][] = [
      [{ ...claims, email: undefined }, "5m", /^jwt\.email: required/],
      [{ ...claims, email: "not-an-email" }, "5m", /^jwt\.email: must be an email/],
      [{ ...claims, external_user_id: undefined }, "5m", /^jwt\.external_user_id: required/],
      [{ ...claims, first_name: undefined }, "5m", /^jwt\.first_name: required/],
      [claims, null, /^jwt\.exp: required/],
      [claims, "2h", /^jwt\.exp: at most 3600 seconds/],
    ];
    for (const [body, exp, message] of missing) {
      const res = await exchange(await jwtFor(body, SITE_SECRET, exp));
      expect(res.status, String(message)).toBe(400);
      expect(res.body.data.message).toMatch(message);
    }
    expect((await browser.post(`${W}/auth/exchange`, {})).body.data.message).toMatch(/^jwt: /);
    // Nothing was created for any of them.
    const [n] = await t.database.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.tenantId, a.id), eq(users.email, "not-an-email")));
    expect(n!.n).toBe(0);
  });

  it("is refused by an inbox without a site secret", async () => {
    const plain = await livechatInbox(a, { secret: null });
    const res = await new Browser(a, plain.uuid).post(`${W}/auth/exchange`, { jwt: await jwtFor(claims) });
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^jwt: this inbox has no site secret/);
  });
});

function uploadForm(conversationUuid: string, filename: string, content: string | Uint8Array, type = "text/plain") {
  const form = new FormData();
  form.append("conversation_uuid", conversationUuid);
  form.append("files", new File([content], filename, { type }));
  return form;
}

describe("widget uploads", () => {
  it("send a file as an incoming message the visitor and agents can fetch", async () => {
    const browser = new Browser(a, inbox.uuid);
    const { conversation } = await browser.start();
    const res = await browser.request(
      "POST",
      "/api/v1/widget/media/upload",
      uploadForm(conversation.uuid, "receipt.txt", "order 1042 receipt"),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ type: "incoming", attachments: [{ filename: "receipt.txt", size: 18 }] });
    const url = new URL(res.body.data.attachments[0].url);
    expect(url.pathname).toMatch(/^\/uploads\//);
    const file = await t.app.request(url.href, { headers: { host: a.host } });
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("order 1042 receipt");
    const messages = await agent.get(`/api/v1/conversations/${conversation.uuid}/messages`);
    expect(messages.body.data.results[0].attachments).toEqual([expect.objectContaining({ filename: "receipt.txt" })]);
  });

  it("refuse files over the workspace's limit, missing parts and inboxes that take no files (400)", async () => {
    const browser = new Browser(a, inbox.uuid);
    const { conversation } = await browser.start();
    expect((await a.admin.put("/api/v1/settings/general", { max_file_upload_size_mb: 1 })).status).toBe(200);
    try {
      const big = await browser.request(
        "POST",
        "/api/v1/widget/media/upload",
        uploadForm(conversation.uuid, "big.bin", new Uint8Array(1024 * 1024 + 1)),
      );
      expect(big.status).toBe(400);
      expect(big.body.data.message).toMatch(/^files: larger than the limit of 1 MB/);
    } finally {
      await a.admin.put("/api/v1/settings/general", { max_file_upload_size_mb: 25 });
    }
    const noFile = new FormData();
    noFile.append("conversation_uuid", conversation.uuid);
    expect((await browser.request("POST", "/api/v1/widget/media/upload", noFile)).body.data.message).toMatch(
      /^files: required/,
    );
    expect((await browser.post("/api/v1/widget/media/upload", { conversation_uuid: conversation.uuid })).status).toBe(
      400,
    );
    const closed = await livechatInbox(a, { config: { file_upload: false } });
    const visitor = new Browser(a, closed.uuid);
    const started = await visitor.start();
    const refused = await visitor.request(
      "POST",
      "/api/v1/widget/media/upload",
      uploadForm(started.conversation.uuid, "a.txt", "a"),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.data.message).toMatch(/^files: this chat does not accept files/);
    const detail = await browser.get(`${W}/conversations/${conversation.uuid}`);
    expect(detail.body.data.messages).toHaveLength(1);
  });
});

describe("/widget.js", () => {
  it("serves the script with a long cache and an ETag, and 304 when unchanged", async () => {
    const res = await t.app.request(`http://${a.host}/widget.js`, { headers: { host: a.host } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d{5,}/);
    expect(await res.text()).toBe(WIDGET_JS);
    const etag = res.headers.get("etag")!;
    const again = await t.app.request(`http://${a.host}/widget.js`, {
      headers: { host: a.host, "if-none-match": etag },
    });
    expect(again.status).toBe(304);
  });
});

describe("rate limits", () => {
  it("cover every widget API path and the widget socket", () => {
    for (const [, path] of FAMILY_ROUTES.widget)
      if (path !== "/widget.js") expect(rateBucketOf(path), path).toBe("widget");
    expect(rateBucketOf("/widget/ws")).toBe("widget");
  });

  it("answer the request over the per-IP limit with 429 and Retry-After", async () => {
    const limited = await bootTestApp({ widgetRateLimit: 3 });
    try {
      const tenant = await createTenant(limited);
      const saved = t;
      t = limited;
      try {
        const own = await livechatInbox(tenant);
        const browser = new Browser(tenant, own.uuid);
        for (let i = 0; i < 3; i++) expect((await browser.get(`${W}/settings`)).status).toBe(200);
        const over = await browser.post(`${W}/conversations/init`, { message: "hi" });
        expect(over.status).toBe(429);
        expect(over.body.data.type).toBe("RateLimitError");
        expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
        // Readable by the widget's script on the customer's page.
        expect(over.headers.get("access-control-allow-origin")).toBe(SHOP);
        expect(over.headers.get("access-control-expose-headers")).toContain("Retry-After");
        // Another address is not affected.
        expect((await new Browser(tenant, own.uuid).get(`${W}/settings`)).status).toBe(200);
      } finally {
        t = saved;
      }
    } finally {
      await limited.close();
    }
  });
});

describe("conversations per IP and inbox", () => {
  it("caps new chats from one address per inbox per hour (429 + Retry-After), then lets them through again", async () => {
    const LIMIT = 3;
    const limited = await bootTestApp({ widgetConversationLimit: LIMIT });
    const saved = t;
    t = limited;
    try {
      const tenant = await createTenant(limited);
      const own = await livechatInbox(tenant);
      const other = await livechatInbox(tenant);
      const ip = { [TEST_IP_HEADER]: "198.51.100.7" };
      const init = (browser: Browser, body: unknown = { message: "Hello" }) =>
        browser.post(`${W}/conversations/init`, body, ip);
      const chatsIn = async (inboxId: number) =>
        (
          await limited.database.db.select({ n: count() }).from(conversations).where(eq(conversations.inboxId, inboxId))
        )[0]!.n;

      // Malformed starts are refused before they are counted.
      for (let i = 0; i < LIMIT + 2; i++)
        expect((await init(new Browser(tenant, own.uuid), { message: 42 })).status).toBe(400);
      // Every anonymous start is a new visitor: the address, not the visitor, runs out.
      const first = new Browser(tenant, own.uuid);
      const opened = await init(first);
      expect(opened.status).toBe(201);
      first.token = opened.body.data.session_token;
      for (let i = 1; i < LIMIT; i++) expect((await init(new Browser(tenant, own.uuid))).status).toBe(201);
      const over = await init(new Browser(tenant, own.uuid));
      expect(over.status).toBe(429);
      expect(over.body.data.type).toBe("RateLimitError");
      const retryAfter = Number(over.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(over.headers.get("access-control-allow-origin")).toBe(SHOP);
      expect(over.headers.get("access-control-expose-headers")).toContain("Retry-After");
      // A visitor with a session is capped too, but still talks in the chat they have.
      expect((await init(first)).status).toBe(429);
      expect(
        (
          await first.post(
            `${W}/conversations/${opened.body.data.conversation.uuid}/message`,
            { message: "still here" },
            ip,
          )
        ).status,
      ).toBe(201);
      expect(await chatsIn(own.id)).toBe(LIMIT);

      // Another inbox, and another address, have allowances of their own.
      expect((await init(new Browser(tenant, other.uuid))).status).toBe(201);
      expect((await new Browser(tenant, own.uuid).post(`${W}/conversations/init`, { message: "Hi" })).status).toBe(201);
      // The next hour's window starts afresh.
      limited.clock.advance(retryAfter * 1000);
      expect((await init(new Browser(tenant, own.uuid))).status).toBe(201);
    } finally {
      t = saved;
      await limited.close();
    }
  });
});

describe("session housekeeping", () => {
  it("the daily session cleanup deletes expired widget sessions and keeps live ones", async () => {
    const browser = new Browser(a, inbox.uuid);
    await browser.start();
    const { deleteExpiredSessions } = await import("@helperiq/core/auth/cleanup");
    const { WIDGET_SESSION_TTL_MS } = await import("@helperiq/core/widget/session");
    const live = await t.database.db.select({ n: count() }).from(widgetSessions);
    expect(live[0]!.n).toBeGreaterThan(0);
    await deleteExpiredSessions(t.database.db, t.clock.now());
    expect((await browser.get(`${W}/auth/me`)).status).toBe(200);
    await deleteExpiredSessions(t.database.db, new Date(t.clock.now().getTime() + WIDGET_SESSION_TTL_MS + 1));
    expect((await t.database.db.select({ n: count() }).from(widgetSessions))[0]!.n).toBe(0);
    expect((await browser.get(`${W}/auth/me`)).status).toBe(401);
  });
});
