import { FAMILY_ROUTES } from "@helperiq/api/routes";
import { issueApiKey } from "@helperiq/core/auth/api-key";
import { createNotifications } from "@helperiq/core/notification/index";
import { inboxes, users, views } from "@helperiq/core/schema";
import { createWidgetSession } from "@helperiq/core/widget/session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createMessage,
  createTenant,
  TEST_PASSWORD,
  type TestTenant,
} from "../support/factories.ts";

/**
 * Two workspaces whose admins and agents have the SAME emails. Every route of every family is called as
 * workspace A with workspace B's ids; nothing of B may be read, changed or deleted, and nothing of B may
 * appear in any of A's responses. A route this suite cannot address fails the suite: it grows with the API.
 */
const SHARED_ADMIN = "owner@same.example";
const SHARED_AGENT = "agent@same.example";
const MARK = "bsecret"; // every name created in B carries it

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let bIds: Record<string, number | string>;
let aSession: Client;
let bAgentClient: Client;
/** A's live-chat visitor: the widget family's routes are called with its session instead of A's agent credentials. */
let aVisitor: Client;

/** Routes answered without a workspace identity (or that create one). */
const PUBLIC = new Set([
  "GET /health",
  "GET /api/v1/config",
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/logout",
  "GET /logout",
  "POST /api/v1/auth/google-mobile",
  "POST /api/v1/agents/reset-password",
  "POST /api/v1/agents/set-password",
  "GET /api/v1/oidc/:id/login",
  "GET /api/v1/oidc/:id/finish",
  // Language packs are the same for every workspace: the UI loads them before anyone signs in.
  "GET /api/v1/lang",
  "GET /api/v1/lang/:lang",
]);

/** Query strings for routes that only do something with one: the search routes look for B's MARK. */
const QUERY: Record<string, string> = {
  "GET /api/v1/search": `?q=${MARK}`,
  "GET /api/v1/conversations/search": `?q=${MARK}`,
  "GET /api/v1/messages/search": `?q=${MARK}`,
};

/** Which of B's resources a `:id` in a path names, by the path's prefix. */
const PARAM_OWNER: [RegExp, string][] = [
  [/^\/api\/v1\/conversations\/by-ref\/:ref/, "conversationRef"],
  [/^\/api\/v1\/conversations\/:uuid/, "conversation"],
  [/^\/api\/v1\/views\/:id\/conversations/, "savedView"],
  [/^\/api\/v1\/statuses\/:id/, "status"],
  [/^\/api\/v1\/tags\/:id/, "tag"],
  [/^\/api\/v1\/agents\/:id/, "agent"],
  [/^\/api\/v1\/teams\/:id/, "team"],
  [/^\/api\/v1\/roles\/:id/, "role"],
  [/^\/api\/v1\/oidc\/:id/, "oidc"],
  [/^\/api\/v1\/auth\/devices\/:id/, "device"],
  [/^\/api\/v1\/custom-attributes\/:id/, "customAttribute"],
  [/^\/api\/v1\/macros\/:id/, "macro"],
  [/^\/api\/v1\/views\/me\/:id/, "personalView"],
  [/^\/api\/v1\/shared-views\/:id/, "sharedView"],
  [/^\/api\/v1\/contacts\/:id/, "contact"],
  [/^\/api\/v1\/notifications\/:id/, "notification"],
  [/^\/api\/v1\/widget\/chat\/conversations\/:uuid/, "conversation"],
  [/^\/api\/v1\/inboxes\/:id/, "inbox"],
  [/^\/uploads\/:uuid/, "media"],
  [/^\/api\/v1\/rag\/sources\/:id/, "ragSource"],
  [/^\/api\/v1\/settings\/ai\/inbox\/:id/, "inbox"],
  [/^\/api\/v1\/domains\/:hostname/, "domain"],
  // B's data export (a job id): neither its progress nor its archive from A.
  [/^\/api\/v1\/export\/:id/, "export"],
  [/^\/platform\/v1\/exports\/:id/, "export"],
  // The operator's platform API, called with A's credentials on A's host: it is no workspace's (404).
  [/^\/platform\/v1\/workspaces\/:slug/, "workspace"],
];

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t, { adminEmail: SHARED_ADMIN });
  b = await createTenant(t, { adminEmail: SHARED_ADMIN });
  await createAgent(t, a, { email: SHARED_AGENT, permissions: ["conversations:read"] });
  const bAgent = await createAgent(t, b, {
    email: SHARED_AGENT,
    firstName: `Agent ${MARK}`,
    permissions: ["conversations:read"],
  });
  aSession = await a.anonymous.login(SHARED_ADMIN, TEST_PASSWORD);
  const created = async (path: string, body: unknown) => {
    const res = await b.admin.post(path, body);
    if (res.status !== 201) throw new Error(`setup ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.id as number;
  };
  bIds = {
    status: await created("/api/v1/statuses", { name: `Status ${MARK}` }),
    tag: await created("/api/v1/tags", { name: `tag-${MARK}` }),
    team: await created("/api/v1/teams", { name: `Team ${MARK}`, members: [bAgent.id] }),
    role: await created("/api/v1/roles", { name: `Role ${MARK}`, permissions: ["conversations:read"] }),
    agent: bAgent.id,
  };
  const oidc = await b.admin.post("/api/v1/oidc", {
    name: `SSO ${MARK}`,
    provider_url: "https://sso.example.com",
    client_id: `client-${MARK}`,
    client_secret: `secret-${MARK}`,
  });
  if (oidc.status === 201) bIds.oidc = oidc.body.data.id;
  bIds.device = (
    await issueApiKey(t.database.db, {
      tenantId: b.id,
      userId: bAgent.id,
      kind: "device",
      name: `Phone ${MARK}`,
      now: t.clock.now(),
    })
  ).id;
  bAgentClient = bAgent.client;
  // B's custom domain, pending: A can neither see, verify nor remove it, nor route through it. Without the MARK:
  // paths name it, and a 404 may echo the path it was asked.
  const domain = await b.admin.post("/api/v1/domains", { hostname: "help.other-desk.example" });
  if (domain.status !== 201) throw new Error(`setup domain: ${domain.status} ${JSON.stringify(domain.body)}`);
  bIds.domain = domain.body.data.hostname;
  bIds.workspace = b.slug;
  // B's admin shares A's admin's email: A's "mark all read" / "delete all" must still not reach them.
  const bNotifications = await createNotifications(t.database.db, {
    tenantId: b.id,
    userIds: [bAgent.id, b.adminId],
    type: "mention",
    title: `Mention ${MARK}`,
  });
  bIds.notification = bNotifications[0]!.id;
  const conversation = await createConversation(t, b, { subject: `Conversation ${MARK}`, tags: [`tag-${MARK}`] });
  bIds.conversation = conversation.uuid;
  await createMessage(t, b, conversation.id, { text: `Message ${MARK}` });
  bIds.conversationRef = conversation.referenceNumber;
  const note = await b.admin.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
    message: `Note ${MARK}`,
    private: true,
  });
  if (note.status !== 201) throw new Error(`setup message: ${note.status} ${JSON.stringify(note.body)}`);
  bIds.message = note.body.data.uuid;
  const [savedView] = await t.database.db
    .insert(views)
    .values({ tenantId: b.id, name: `View ${MARK}`, filters: [], visibility: "all" })
    .returning({ id: views.id });
  bIds.savedView = savedView!.id;
  bIds.contact = await created("/api/v1/contacts/quick", {
    first_name: `Contact ${MARK}`,
    email: `contact@${MARK}.example`,
  });
  bIds.note = await created(`/api/v1/contacts/${bIds.contact}/notes`, { note: `Note ${MARK}` });
  const attribute = { applies_to: "conversation", name: `Attribute ${MARK}`, key: `key_${MARK}`, type: "text" };
  bIds.customAttribute = await created("/api/v1/custom-attributes", attribute);
  bIds.macro = await created("/api/v1/macros", { name: `Macro ${MARK}`, message_content: `Hello ${MARK}` });
  bIds.ragSource = await created("/api/v1/rag/sources", {
    name: `Source ${MARK}`,
    source_type: "custom",
    config: { snippets: [`Snippet ${MARK}`] },
  });
  // B's admin shares A's admin's email: their personal macro must stay theirs.
  await created("/api/v1/macros", { name: `Personal macro ${MARK}`, message_content: MARK, visibility: "personal" });
  bIds.personalView = await created("/api/v1/views/me", { name: `My view ${MARK}`, filters: [] });
  bIds.sharedView = await created("/api/v1/shared-views", { name: `Shared view ${MARK}`, filters: [] });
  // Without a conversation of its own: A's first one would share B's reference number #1 (by-ref).
  const [aChat] = await t.database.db
    .insert(inboxes)
    .values({ tenantId: a.id, name: "A chat", channel: "livechat" })
    .returning();
  const [aGuest] = await t.database.db
    .insert(users)
    .values({ tenantId: a.id, type: "visitor", firstName: "Visitor" })
    .returning();
  const visitor = await createWidgetSession(t.database.db, {
    tenantId: a.id,
    inboxId: aChat!.id,
    contactId: aGuest!.id,
    now: t.clock.now(),
  });
  aVisitor = new Client(t, a.host, { bearer: visitor.token });
  bIds.inbox = await created("/api/v1/inboxes", {
    name: `Inbox ${MARK}`,
    channel: "email",
    from: `support@${MARK}.example`,
    config: {
      smtp: [{ host: `smtp.${MARK}.example`, username: `user-${MARK}`, password: `pw-${MARK}` }],
      signature: `<p>Inbox ${MARK}</p>`,
    },
  });
  // B's retention and B's admin's own signature: A's settings and A's admin (same email) must not reach them.
  const trash = await b.admin.put("/api/v1/settings/trash", { "trash.auto_delete_days": 30 });
  if (trash.status !== 200) throw new Error(`setup trash: ${trash.status} ${JSON.stringify(trash.body)}`);
  const signature = await b.admin.put("/api/v1/agents/me/signature", { signature: `<p>Signature ${MARK}</p>` });
  if (signature.status !== 200)
    throw new Error(`setup signature: ${signature.status} ${JSON.stringify(signature.body)}`);
  // B's export of its data, queued.
  const exported = await b.admin.post("/api/v1/export");
  if (exported.status !== 202) throw new Error(`setup export: ${exported.status} ${JSON.stringify(exported.body)}`);
  bIds.export = exported.body.data.id;
  // B's upload, held by a message of B's conversation (its bytes carry the MARK).
  const form = new FormData();
  form.append("file", new File([`Upload ${MARK}`], `upload-${MARK}.txt`, { type: "text/plain" }));
  const uploaded = await b.admin.request("POST", "/api/v1/media", form);
  if (uploaded.status !== 201) throw new Error(`setup media: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
  bIds.media = uploaded.body.data.uuid;
  const attached = await b.admin.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
    private: true,
    attachments: [{ media_uuid: bIds.media }],
  });
  if (attached.status !== 201) throw new Error(`setup attachment: ${attached.status} ${JSON.stringify(attached.body)}`);
});
afterAll(() => t.close());

const routes = Object.entries(FAMILY_ROUTES).flatMap(([family, list]) =>
  (list as ReadonlyArray<readonly [string, string]>).map(([method, path]) => ({ family, method, path })),
);

function concretePath(path: string): string | null {
  if (!path.includes(":")) return path;
  const owner = PARAM_OWNER.find(([re]) => re.test(path))?.[1];
  const id = owner ? bIds[owner] : undefined;
  // A second parameter naming a user (…/followers/:user_id) takes B's agent; a contact's :note_id, B's note;
  // a conversation's :message_uuid, B's private note in it.
  const second: Record<string, number | string | undefined> = {
    user_id: bIds.agent,
    note_id: bIds.note,
    message_uuid: bIds.message,
    hostname: bIds.domain,
  };
  // …/conversations/:uuid/macros/:id/apply: the :id is B's macro.
  if (owner === "conversation") second.id = bIds.macro;
  return id === undefined ? null : path.replace(/:([a-z_]+)/g, (_, name: string) => String(second[name] ?? id));
}

/** What snapshotOfB() last read, at the end of a passing route test; nothing else changes B between tests. */
let lastSeen: Awaited<ReturnType<typeof snapshotOfB>> | undefined;

describe("two workspaces with the same emails", () => {
  it("sign in to their own workspace only", async () => {
    const me = (await aSession.get("/api/v1/agents/me")).body.data;
    expect(me.id).toBe(a.adminId);
    expect((await aSession.onHost(b.host).get("/api/v1/agents/me")).status).toBe(401);
    expect((await a.admin.onHost(b.host).get("/api/v1/agents/me")).status).toBe(401);
  });

  it("a custom domain: B's claim is B's alone, routes only once verified, and only to B", async () => {
    const host = String(bIds.domain);
    expect(JSON.stringify((await a.admin.get("/api/v1/domains")).body)).not.toContain(host);
    const taken = await a.admin.post("/api/v1/domains", { hostname: host.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(taken.body.data.message).toBe(`hostname: ${host} is already claimed by another workspace`);
    expect(JSON.stringify(taken.body)).not.toContain(b.slug);
    expect((await a.admin.onHost(host).get("/api/v1/agents/me")).status).toBe(404);
    // Verified (as its TXT record would), it serves B: A's credentials mean nothing there.
    t.dns.records.set(`_helperiq-verification.${host}`, [
      (await b.admin.get(`/api/v1/domains/${host}`)).body.data.verification.dns.value,
    ]);
    expect((await b.admin.post(`/api/v1/domains/${host}/verify`)).body.data.status).toBe("verified");
    expect((await a.admin.onHost(host).get("/api/v1/agents/me")).status).toBe(401);
    expect((await aSession.onHost(host).get("/api/v1/agents/me")).status).toBe(401);
    expect((await b.admin.onHost(host).get("/api/v1/agents/me")).body.data.id).toBe(b.adminId);
    // Back to pending, as the route tests below expect B.
    await b.admin.delete(`/api/v1/domains/${host}`);
    const again = await b.admin.post("/api/v1/domains", { hostname: host });
    expect(again.status).toBe(201);
    expect((await b.admin.onHost(host).get("/api/v1/agents/me")).status).toBe(404);
    // B's domain has a new token now: the route tests read B afresh.
    lastSeen = undefined;
  });

  for (const { family, method, path } of routes) {
    const key = `${method} ${path}`;
    if (PUBLIC.has(key)) continue;
    for (const via of ["API key", "session"] as const) {
      it(`${key} (${family}) as A via ${via} reveals and changes nothing of B`, async () => {
        const client = family === "widget" ? aVisitor : via === "API key" ? a.admin : aSession;
        const concrete = concretePath(path);
        if (concrete === null) throw new Error(`no B resource known for ${path}: add it to PARAM_OWNER`);
        // B as the previous test left it, when that test got as far as reading it (halves the suite's reads).
        const before = lastSeen ?? (await snapshotOfB());
        lastSeen = undefined;
        const body = method === "GET" || method === "DELETE" ? undefined : { name: `A-${method}`, permissions: [] };
        const res = await client.request(method, concrete + (QUERY[key] ?? ""), body);
        expect(res.status).toBeLessThan(500);
        if (QUERY[key]) expect(res.status).toBe(200);
        expect(JSON.stringify(res.body ?? "")).not.toContain(MARK);
        if (path.includes(":") && method === "GET") expect(res.status).toBe(404);
        await t.queue.drain();
        const after = await snapshotOfB();
        expect(after).toEqual(before);
        lastSeen = after;
      });
    }
  }
});

/** Everything of B that any route could touch, read as B. */
async function snapshotOfB() {
  const read = async (path: string, as = b.admin) => (await as.get(path)).body;
  const has = (path: string) => routes.some((r) => r.method === "GET" && r.path === path);
  return {
    oidc: has("/api/v1/oidc") ? await read("/api/v1/oidc") : null,
    devices: has("/api/v1/auth/devices") ? await read("/api/v1/auth/devices", bAgentClient) : null,
    tagImport: await read("/api/v1/tags/import/status"),
    statuses: await read("/api/v1/statuses"),
    tags: await read("/api/v1/tags"),
    agents: await read("/api/v1/agents?page_size=100"),
    teams: await read("/api/v1/teams"),
    roles: await read("/api/v1/roles"),
    conversations: await read("/api/v1/conversations/all"),
    customAttributes: await read("/api/v1/custom-attributes"),
    macros: await read("/api/v1/macros"),
    ragSources: await read("/api/v1/rag/sources"),
    personalViews: await read("/api/v1/views/me"),
    sharedViews: await read("/api/v1/shared-views"),
    contacts: await read("/api/v1/contacts"),
    inboxes: has("/api/v1/inboxes") ? await read("/api/v1/inboxes") : null,
    domains: has("/api/v1/domains") ? await read("/api/v1/domains") : null,
    trashSettings: has("/api/v1/settings/trash") ? await read("/api/v1/settings/trash") : null,
    me: await read("/api/v1/agents/me"),
    contactNotes: await read(`/api/v1/contacts/${bIds.contact}/notes`),
    messages: await read(`/api/v1/conversations/${bIds.conversation}/messages`),
    notifications: has("/api/v1/notifications")
      ? [await read("/api/v1/notifications", bAgentClient), await read("/api/v1/notifications")]
      : null,
  };
}
