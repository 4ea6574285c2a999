import { oidcProviders, users } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, parseSetCookies, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { startOidcProvider, type TestOidcProvider } from "../support/oidc-provider.ts";

const CLIENT_ID = "helperiq-local";
const CLIENT_SECRET = "PlaintextClientSecret0123456789";
const LOGIN_COOKIE = "helperiq_oidc";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let op: TestOidcProvider;
let ssoAgent: TestAgent;
/** A's provider, registered at the local OpenID provider. */
let providerId: number;
/** Every response the app gave in this file, body and headers: the client secret must appear in none. */
const answers: string[] = [];

beforeAll(async () => {
  t = await bootTestApp();
  const request = t.app.request.bind(t.app);
  t.app.request = (async (...args: Parameters<typeof request>) => {
    const res = await request(...args);
    answers.push(JSON.stringify([...res.headers]), await res.clone().text());
    return res;
  }) as typeof t.app.request;

  a = await createTenant(t);
  b = await createTenant(t);
  ssoAgent = await createAgent(t, a, { permissions: ["conversations:read"] });
  op = await startOidcProvider();
  const created = await a.admin.post("/api/v1/oidc", {
    name: "Local IdP",
    provider_url: op.issuer,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    logo_url: "https://idp.example/logo.png",
  });
  expect(created.status).toBe(201);
  providerId = created.body.data.id;
  op.registerClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: created.body.data.redirect_uri });
  op.accounts.set("agent", { email: ssoAgent.email.toUpperCase(), email_verified: true });
  op.accounts.set("stranger", { email: "stranger@elsewhere.example", email_verified: true });
  op.accounts.set("unverified", { email: ssoAgent.email, email_verified: false });
  op.accounts.set("silent", { email: ssoAgent.email });
});
afterAll(async () => {
  await op?.close();
  await t?.close();
});

const get = (host: string, path: string, cookie?: string) =>
  t.app.request(`http://${host}${path}`, { headers: { host, ...(cookie ? { cookie } : {}) } });

/** `GET …/login` as a browser: where it is sent, and the sealed pending-login cookie it gets. */
async function startLogin(tenant = a, id = providerId) {
  const res = await get(tenant.host, `/api/v1/oidc/${id}/login`);
  return { res, location: res.headers.get("location") ?? "", cookie: parseSetCookies(res.headers)[LOGIN_COOKIE] };
}

/** The browser's trip from the app to the provider and back: the finish URL, and the cookie it still holds. */
async function signInAt(login: string) {
  const { location, cookie } = await startLogin();
  return { callback: await op.signIn(location, login), cookie: cookie! };
}

/** `GET …/finish` with the query the provider sent back and, when given, the pending-login cookie. */
const finish = (callback: URL, cookie?: string, host = a.host) =>
  get(host, `${callback.pathname}${callback.search}`, cookie === undefined ? undefined : `${LOGIN_COOKIE}=${cookie}`);

async function expectAuthError(res: Response, message?: RegExp) {
  expect(res.status).toBe(401);
  const body = (await res.json()) as any;
  expect(body.data.type).toBe("AuthError");
  if (message) expect(body.data.message).toMatch(message);
  const cookies = parseSetCookies(res.headers);
  expect(cookies.helperiq_session).toBeUndefined();
  expect(res.headers.getSetCookie().find((l) => l.startsWith(`${LOGIN_COOKIE}=`))).toMatch(/Max-Age=0/);
}

describe("oidc sign-in: happy path", () => {
  it("redirects to the provider with the code flow, PKCE S256, state and nonce", async () => {
    const { res, location, cookie } = await startLogin();
    expect(res.status).toBe(302);
    const url = new URL(location);
    expect(url.origin).toBe(op.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: `http://${a.host}/api/v1/oidc/${providerId}/finish`,
      scope: "openid email profile",
      code_challenge_method: "S256",
    });
    for (const param of ["state", "nonce", "code_challenge"]) expect(url.searchParams.get(param)).toMatch(/^\S{20,}$/);
    // The pending login travels sealed: the browser cannot read or alter state, nonce or verifier.
    expect(cookie).not.toContain(url.searchParams.get("state"));
    const line = res.headers.getSetCookie().find((l) => l.startsWith(`${LOGIN_COOKIE}=`))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(/Path=\/api\/v1\/oidc(;|$)/);
    expect(line).toMatch(/Max-Age=600/);
  });

  it("signs the existing agent in (email matched case-insensitively) with a working session", async () => {
    const { callback, cookie } = await signInAt("agent");
    expect(callback.href).toMatch(new RegExp(`^http://${a.host}/api/v1/oidc/${providerId}/finish\\?`));
    const res = await finish(callback, cookie);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const cookies = parseSetCookies(res.headers);
    expect(cookies[LOGIN_COOKIE]).toBe("");
    const session = res.headers.getSetCookie().find((l) => l.startsWith("helperiq_session="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);

    const browser = new Client(t, a.host, {
      cookies: { helperiq_session: cookies.helperiq_session!, csrf_token: cookies.csrf_token! },
    });
    expect((await browser.get("/api/v1/statuses")).status).toBe(200);
    const [agent] = await t.database.db
      .select({ lastLoginAt: users.lastLoginAt })
      .from(users)
      .where(eq(users.id, ssoAgent.id));
    expect(agent!.lastLoginAt).not.toBeNull();
  });

  it("lists enabled providers on the login page's config, without secrets, per workspace", async () => {
    const disabled = await a.admin.post("/api/v1/oidc", { ...providerInput("Hidden"), enabled: false });
    const listed = (await a.anonymous.get("/api/v1/config")).body.data.sso_providers;
    expect(listed).toEqual([
      {
        id: providerId,
        name: "Local IdP",
        logo_url: "https://idp.example/logo.png",
        login_url: `/api/v1/oidc/${providerId}/login`,
        // LibreDesk's login page shows only providers marked enabled.
        enabled: true,
      },
    ]);
    expect(listed.map((p: { id: number }) => p.id)).not.toContain(disabled.body.data.id);
    expect((await b.anonymous.get("/api/v1/config")).body.data.sso_providers).toEqual([]);
  });
});

describe("oidc sign-in: refusals", () => {
  it("refuses a forged state", async () => {
    const { callback, cookie } = await signInAt("agent");
    callback.searchParams.set("state", "forged-state-value-0123456789");
    await expectAuthError(await finish(callback, cookie), /state/);
  });

  it("refuses a callback without the pending-login cookie, or with a tampered one", async () => {
    const { callback, cookie } = await signInAt("agent");
    await expectAuthError(await finish(callback));
    await expectAuthError(await finish(callback, `${cookie.slice(0, -4)}AAAA`));
  });

  it("refuses a replayed code, with or without the original cookie; the provider rejects the reuse", async () => {
    const { callback, cookie } = await signInAt("agent");
    expect((await finish(callback, cookie)).status).toBe(302);
    // The browser dropped the cookie with the first answer…
    await expectAuthError(await finish(callback));
    // …and an attacker who kept it gets past the state check, but the code is spent at the provider.
    await expectAuthError(await finish(callback, cookie), /rejected the authorization code/);
  });

  it("refuses a pending login older than ten minutes", async () => {
    const { location, cookie } = await startLogin();
    t.clock.advance(10 * 60_000 + 1_000);
    const callback = await op.signIn(location, "agent");
    await expectAuthError(await finish(callback, cookie!), /expired/);
  });

  it("refuses an email that is no agent of the workspace, and never creates one", async () => {
    const before = await t.database.db.select({ id: users.id }).from(users).where(eq(users.tenantId, a.id));
    const { callback, cookie } = await signInAt("stranger");
    await expectAuthError(await finish(callback, cookie), /not an agent/);
    const after = await t.database.db.select({ id: users.id }).from(users).where(eq(users.tenantId, a.id));
    expect(after).toHaveLength(before.length);
  });

  it("refuses an email the provider has not verified, or does not say it verified", async () => {
    for (const login of ["unverified", "silent"]) {
      const { callback, cookie } = await signInAt(login);
      await expectAuthError(await finish(callback, cookie), /not verified/);
    }
  });

  it("refuses a disabled agent", async () => {
    const disabled = await createAgent(t, a);
    await t.database.db.update(users).set({ enabled: false }).where(eq(users.id, disabled.id));
    op.accounts.set("disabled", { email: disabled.email, email_verified: true });
    const { callback, cookie } = await signInAt("disabled");
    await expectAuthError(await finish(callback, cookie));
  });

  it("refuses a sign-in the provider reports as failed", async () => {
    const { location, cookie } = await startLogin();
    const state = new URL(location).searchParams.get("state");
    const callback = new URL(`http://${a.host}/api/v1/oidc/${providerId}/finish?error=access_denied&state=${state}`);
    await expectAuthError(await finish(callback, cookie!));
  });

  it("answers 404 for another workspace's provider, at login and at finish", async () => {
    expect((await startLogin(b, providerId)).res.status).toBe(404);
    const { callback, cookie } = await signInAt("agent");
    const res = await finish(callback, cookie, b.host);
    expect(res.status).toBe(404);
    expect(parseSetCookies(res.headers).helperiq_session).toBeUndefined();
  });

  it("answers 404 for a disabled or unknown provider", async () => {
    const { callback, cookie } = await signInAt("agent");
    await a.admin.put(`/api/v1/oidc/${providerId}`, { enabled: false });
    try {
      expect((await startLogin()).res.status).toBe(404);
      expect((await finish(callback, cookie)).status).toBe(404);
    } finally {
      await a.admin.put(`/api/v1/oidc/${providerId}`, { enabled: true });
    }
    expect((await startLogin(a, 999_999)).res.status).toBe(404);
  });

  it("refuses to start when the provider cannot be reached", async () => {
    const { id } = (
      await a.admin.post("/api/v1/oidc", { ...providerInput("Offline"), provider_url: "http://127.0.0.1:1" })
    ).body.data;
    const { res, cookie } = await startLogin(a, id);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).data.message).toMatch(/could not be reached/);
    expect(cookie).toBeUndefined();
  });

  it("clears the pending-login cookie even when the request is malformed", async () => {
    const res = await get(a.host, "/api/v1/oidc/abc/finish?code=x&state=y", `${LOGIN_COOKIE}=whatever`);
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie().find((l) => l.startsWith(`${LOGIN_COOKIE}=`))).toMatch(/Max-Age=0/);
  });
});

const providerInput = (name: string) => ({
  name,
  provider_url: "https://login.example.com/realms/support/",
  client_id: "helperiq",
  client_secret: CLIENT_SECRET,
});

const sealedSecretOf = async (id: number) =>
  (
    await t.database.db
      .select({ secret: oidcProviders.clientSecret })
      .from(oidcProviders)
      .where(eq(oidcProviders.id, id))
  )[0]!.secret;

describe("oidc providers: happy path", () => {
  it("creates, reads, lists, updates and deletes a provider, never showing the secret", async () => {
    const created = await a.admin.post("/api/v1/oidc", providerInput("Keycloak"));
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect(created.body.data).toMatchObject({
      name: "Keycloak",
      provider_url: "https://login.example.com/realms/support",
      client_id: "helperiq",
      client_secret: "••••••••",
      logo_url: "",
      enabled: true,
      redirect_uri: `http://${a.host}/api/v1/oidc/${id}/finish`,
    });
    expect((await a.admin.get(`/api/v1/oidc/${id}`)).body.data).toEqual(created.body.data);
    expect((await a.admin.get("/api/v1/oidc")).body.data.map((p: { id: number }) => p.id)).toContain(id);

    const updated = await a.admin.put(`/api/v1/oidc/${id}`, { name: "Keycloak EU", enabled: false });
    expect(updated.body.data).toMatchObject({ id, name: "Keycloak EU", enabled: false, client_secret: "••••••••" });

    expect((await a.admin.delete(`/api/v1/oidc/${id}`)).status).toBe(200);
    expect((await a.admin.get(`/api/v1/oidc/${id}`)).status).toBe(404);
  });

  it("keeps the stored secret when an edit sends it empty or masked, and replaces it when given", async () => {
    const { id } = (await a.admin.post("/api/v1/oidc", providerInput("Round trip"))).body.data;
    const sealed = await sealedSecretOf(id);
    const shown = (await a.admin.get(`/api/v1/oidc/${id}`)).body.data;
    expect((await a.admin.put(`/api/v1/oidc/${id}`, { ...shown, id: undefined })).status).toBe(200);
    expect((await a.admin.put(`/api/v1/oidc/${id}`, { client_secret: "" })).status).toBe(200);
    expect(await sealedSecretOf(id)).toBe(sealed);
    await a.admin.put(`/api/v1/oidc/${id}`, { client_secret: "AnotherSecret" });
    expect(await sealedSecretOf(id)).not.toBe(sealed);
  });

  it("keeps signing in after an edit that sends the masked secret back", async () => {
    await a.admin.put(`/api/v1/oidc/${providerId}`, {
      client_secret: "••••••••",
      logo_url: "https://idp.example/logo.png",
    });
    const { callback, cookie } = await signInAt("agent");
    expect((await finish(callback, cookie)).status).toBe(302);
  });

  it("derives the redirect URI from the workspace host, or a trusted forwarded one", async () => {
    const proxied = await bootTestApp({ trustForwardedHost: true }, t.database);
    const res = await proxied.app.request(`http://10.0.0.5:9000/api/v1/oidc/${providerId}`, {
      headers: {
        host: "10.0.0.5:9000",
        "x-forwarded-host": a.host,
        "x-forwarded-proto": "https",
        authorization: `Bearer ${a.admin.creds.bearer}`,
      },
    });
    expect(((await res.json()) as any).data.redirect_uri).toBe(`https://${a.host}/api/v1/oidc/${providerId}/finish`);
  });
});

describe("oidc providers: errors", () => {
  it("names the offending field", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...providerInput("x".repeat(141)) }, /^name: /],
      [{ ...providerInput("No URL"), provider_url: "" }, /^provider_url: /],
      [{ ...providerInput("Plain http"), provider_url: "http://login.example.com" }, /^provider_url: /],
      [{ ...providerInput("Other scheme"), provider_url: "ftp://login.example.com" }, /^provider_url: /],
      [{ ...providerInput("With query"), provider_url: "https://login.example.com/?a=b" }, /^provider_url: /],
      [{ ...providerInput("No client"), client_id: " " }, /^client_id: /],
      [{ ...providerInput("No secret"), client_secret: "" }, /^client_secret: /],
      [{ ...providerInput("Bad logo"), logo_url: "javascript:alert(1)" }, /^logo_url: /],
    ];
    for (const [body, message] of cases) {
      const res = await a.admin.post("/api/v1/oidc", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data).toEqual({ type: "InputError", message: expect.stringMatching(message) });
    }
  });

  it("accepts plain http only for a provider on this machine", async () => {
    const res = await a.admin.post("/api/v1/oidc", {
      ...providerInput("Loopback"),
      provider_url: "http://localhost:8080",
    });
    expect(res.status).toBe(201);
  });

  it("rejects a duplicate name in the workspace but not in another one", async () => {
    const dup = await a.admin.post("/api/v1/oidc", providerInput("Local IdP"));
    expect(dup.status).toBe(400);
    expect(dup.body.data.message).toMatch(/^name: .*already exists/);
    expect((await b.admin.post("/api/v1/oidc", providerInput("Local IdP"))).status).toBe(201);
    const { id } = (await a.admin.post("/api/v1/oidc", providerInput("Renamed later"))).body.data;
    expect((await a.admin.put(`/api/v1/oidc/${id}`, { name: "Local IdP" })).status).toBe(400);
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    expect((await a.admin.get("/api/v1/oidc/999999")).status).toBe(404);
    expect((await a.admin.put("/api/v1/oidc/999999", { name: "x" })).status).toBe(404);
    expect((await a.admin.delete("/api/v1/oidc/999999")).status).toBe(404);
    expect((await a.admin.get("/api/v1/oidc/abc")).body.data.message).toMatch(/^id: /);
  });
});

describe("oidc providers: security", () => {
  it("needs credentials, and oidc:manage", async () => {
    expect((await a.anonymous.get("/api/v1/oidc")).status).toBe(401);
    const agent = await createAgent(t, a, { permissions: ["conversations:read", "users:manage"] });
    const denied = [
      await agent.client.get("/api/v1/oidc"),
      await agent.client.post("/api/v1/oidc", providerInput("Nope")),
      await agent.client.get(`/api/v1/oidc/${providerId}`),
      await agent.client.put(`/api/v1/oidc/${providerId}`, { name: "Nope" }),
      await agent.client.delete(`/api/v1/oidc/${providerId}`),
    ];
    expect(denied.map((r) => [r.status, r.body.data.type])).toEqual(denied.map(() => [403, "PermissionError"]));
  });

  it("hides a workspace's providers from another workspace's admin", async () => {
    expect((await b.admin.get(`/api/v1/oidc/${providerId}`)).status).toBe(404);
    expect((await b.admin.put(`/api/v1/oidc/${providerId}`, { name: "Taken over" })).status).toBe(404);
    expect((await b.admin.delete(`/api/v1/oidc/${providerId}`)).status).toBe(404);
    expect((await b.admin.get("/api/v1/oidc")).body.data.map((p: { id: number }) => p.id)).not.toContain(providerId);
    expect((await a.admin.get(`/api/v1/oidc/${providerId}`)).body.data.name).toBe("Local IdP");
  });

  it("stores the client secret sealed, never in plaintext", async () => {
    const rows = await t.database.db.select({ secret: oidcProviders.clientSecret }).from(oidcProviders);
    expect(rows.length).toBeGreaterThan(0);
    for (const { secret } of rows) {
      expect(secret).not.toContain(CLIENT_SECRET);
      expect(secret).toMatch(/^v1\./);
    }
  });

  it("never returns the client secret, in any answer of this file", () => {
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.filter((text) => text.includes(CLIENT_SECRET))).toEqual([]);
  });
});
