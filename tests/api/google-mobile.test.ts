import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signInWithGoogle } from "@helperiq/core/auth/google";
import { apiKeys, users } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";

/** Google ID tokens signed by a local key whose public half a local JWKS endpoint serves. */

const CLIENT_ID = "test-client.apps.googleusercontent.com";
const KID = "google-test-key";
let jwks: Server;
let jwksUrl: string;
let googleKey: KeyLike;
let impostorKey: KeyLike;

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

beforeAll(async () => {
  const google = await generateKeyPair("RS256");
  googleKey = google.privateKey;
  impostorKey = (await generateKeyPair("RS256")).privateKey;
  const body = JSON.stringify({
    keys: [{ ...(await exportJWK(google.publicKey)), kid: KID, alg: "RS256", use: "sig" }],
  });
  jwks = createServer((_, res) => res.setHeader("content-type", "application/json").end(body));
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/oauth2/v3/certs`;

  t = await bootTestApp({ google: { clientIds: [CLIENT_ID], jwksUrl } });
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { firstName: "Grace" });
  // Refusals are logged with their reason; keep the expected ones out of the test output.
  vi.spyOn(console, "warn").mockImplementation(() => {});
});

afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

/** A Google ID token for `email`, valid unless a claim or the key is overridden. */
function idToken(email: string, claims: JWTPayload = {}, key = googleKey) {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  const payload = {
    iss: "https://accounts.google.com",
    aud: CLIENT_ID,
    iat: now,
    exp: now + 3600,
    sub: `google-${email}`,
  };
  return new SignJWT({ ...payload, email, email_verified: true, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: KID })
    .sign(key);
}

const signIn = async (tenant: TestTenant, token: string | Promise<string>, deviceName?: string) =>
  tenant.anonymous.post("/api/v1/auth/google-mobile", { id_token: await token, device_name: deviceName });

describe("POST /api/v1/auth/google-mobile", () => {
  it("returns the agent and a device key that authenticates", async () => {
    const res = await signIn(a, idToken(agent.email), "Grace's phone");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      user: { id: agent.id, email: agent.email, first_name: "Grace" },
      api_key: expect.stringMatching(/^lk_/),
      expires_at: null,
    });
    const device = new Client(t, a.host, { bearer: res.body.data.api_key });
    expect((await device.get("/api/v1/statuses")).status).toBe(200);
    const [row] = await t.database.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.prefix, res.body.data.api_key.slice(0, 10)));
    expect(row).toMatchObject({ kind: "device", name: "Grace's phone", userId: agent.id, tenantId: a.id });
  });

  it("matches the email case-insensitively and names an unnamed device", async () => {
    const res = await signIn(a, idToken(agent.email.toUpperCase()));
    expect(res.status).toBe(200);
    const device = new Client(t, a.host, { bearer: res.body.data.api_key });
    const names = (await device.get("/api/v1/auth/devices")).body.data.map((d: { name: string }) => d.name);
    expect(names).toContain("Mobile device");
  });

  it("refuses every bad token or unknown agent with the same 401, logging why", async () => {
    const other = await createAgent(t, b);
    const disabled = await createAgent(t, a);
    await t.database.db.update(users).set({ enabled: false }).where(eq(users.id, disabled.id));
    const now = Math.floor(t.clock.now().getTime() / 1000);
    // Each refusal with the reason the server logs for it.
    const refusals: Array<[string, Promise<string> | string, RegExp]> = [
      [
        "signed by another key with the same kid",
        idToken(agent.email, {}, impostorKey),
        /signature verification failed/,
      ],
      ["for another audience", idToken(agent.email, { aud: "someone-else.apps.googleusercontent.com" }), /"aud"/],
      ["from another issuer", idToken(agent.email, { iss: "https://accounts.example.com" }), /"iss"/],
      ["expired", idToken(agent.email, { iat: now - 7200, exp: now - 60 }), /"exp"/],
      ["with an unverified email", idToken(agent.email, { email_verified: false }), /email not verified/],
      ["with email_verified as a string", idToken(agent.email, { email_verified: "true" }), /email not verified/],
      ["for an unknown email", idToken("stranger@example.com"), /no enabled agent/],
      ["for an agent of another workspace", idToken(other.email), /no enabled agent/],
      ["for a disabled agent", idToken(disabled.email), /no enabled agent/],
      ["that is not a JWT", "not.a.token", /verification failed/],
    ];
    const bodies = new Set<string>();
    for (const [name, token, reason] of refusals) {
      const warn = vi.mocked(console.warn);
      warn.mockClear();
      const res = await signIn(a, token);
      expect(res.status, name).toBe(401);
      expect(res.body.data.type, name).toBe("AuthError");
      expect(warn.mock.calls.map((call) => String(call[0])).join("\n"), name).toMatch(reason);
      bodies.add(JSON.stringify(res.body));
    }
    expect(bodies.size).toBe(1);
    // The agent of the other workspace does sign in on their own host.
    expect((await signIn(b, idToken(other.email))).status).toBe(200);
  });

  it("refuses everything when no Google client id is configured", async () => {
    const google = { clientIds: [], jwksUrl };
    const attempt = signInWithGoogle(t.database.db, {
      tenantId: a.id,
      idToken: await idToken(agent.email),
      google,
      now: t.clock.now(),
    });
    await expect(attempt).rejects.toMatchObject({ type: "AuthError", reason: expect.stringMatching(/client id/) });
  });

  it("names the missing id_token", async () => {
    const res = await a.anonymous.post("/api/v1/auth/google-mobile", {});
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^id_token: /);
  });
});

describe("device keys", () => {
  it("gives each device its own key; revoking one leaves the other working", async () => {
    const me = await createAgent(t, a);
    const phone = new Client(t, a.host, { bearer: (await signIn(a, idToken(me.email), "Phone")).body.data.api_key });
    const tablet = new Client(t, a.host, { bearer: (await signIn(a, idToken(me.email), "Tablet")).body.data.api_key });
    expect(phone.creds.bearer).not.toBe(tablet.creds.bearer);

    const listed = await phone.get("/api/v1/auth/devices");
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((d: { name: string }) => d.name)).toEqual(["Phone", "Tablet"]);
    const tabletId = listed.body.data[1].id;

    expect((await phone.delete(`/api/v1/auth/devices/${tabletId}`)).status).toBe(200);
    const revoked = await tablet.get("/api/v1/statuses");
    expect(revoked.status).toBe(401);
    expect(revoked.body.data.type).toBe("AuthError");
    expect((await phone.get("/api/v1/statuses")).status).toBe(200);
    expect((await me.client.get("/api/v1/statuses")).status).toBe(200);
    expect((await phone.get("/api/v1/auth/devices")).body.data.map((d: { name: string }) => d.name)).toEqual(["Phone"]);
    expect((await phone.delete(`/api/v1/auth/devices/${tabletId}`)).status).toBe(404);
  });

  it("lists only the caller's device keys, never a key or its hash", async () => {
    const me = await createAgent(t, a);
    const issued = (await signIn(a, idToken(me.email), "Phone")).body.data.api_key as string;
    const res = await me.client.get("/api/v1/auth/devices");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      {
        id: expect.any(Number),
        name: "Phone",
        prefix: issued.slice(0, 10),
        created_at: expect.any(String),
        last_used_at: null,
      },
    ]);
    const [row] = await t.database.db
      .select({ keyHash: apiKeys.keyHash })
      .from(apiKeys)
      .where(eq(apiKeys.id, res.body.data[0].id));
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(issued);
    expect(text).not.toContain(row!.keyHash);
  });

  it("cannot revoke another agent's device, nor an admin-issued key", async () => {
    const owner = await createAgent(t, a);
    const intruder = await createAgent(t, a);
    const ownerDevice = new Client(t, a.host, { bearer: (await signIn(a, idToken(owner.email))).body.data.api_key });
    const [deviceKey] = (await ownerDevice.get("/api/v1/auth/devices")).body.data;
    const res = await intruder.client.delete(`/api/v1/auth/devices/${deviceKey.id}`);
    expect(res.status).toBe(404);
    expect(res.body.data.type).toBe("NotFoundError");
    expect((await a.admin.delete(`/api/v1/auth/devices/${deviceKey.id}`)).status).toBe(404);
    expect((await ownerDevice.get("/api/v1/statuses")).status).toBe(200);

    const [adminKey] = await t.database.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.userId, owner.id));
    expect((await owner.client.delete(`/api/v1/auth/devices/${adminKey!.id}`)).status).toBe(404);
    expect((await owner.client.get("/api/v1/statuses")).status).toBe(200);
  });

  it("requires authentication", async () => {
    expect((await a.anonymous.get("/api/v1/auth/devices")).status).toBe(401);
    expect((await a.anonymous.delete("/api/v1/auth/devices/1")).status).toBe(401);
  });
});
