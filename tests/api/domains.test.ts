import { serve, type ServerType } from "@hono/node-server";
import { createApp, FAMILIES } from "@helperiq/api";
import { platformAudit, tenantDomains } from "@helperiq/core/schema";
import { and, eq, like } from "drizzle-orm";
import {
  MAX_DOMAINS_PER_WORKSPACE,
  PENDING_CLAIM_YIELDS_AFTER_MS,
  verifyCustomDomain,
} from "@helperiq/core/custom-domain/domains";
import { createOutboundGuard } from "@helperiq/adapters/net/outbound-guard";
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, loopbackResolve, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { freePort } from "../support/free-port.ts";

/**
 * Custom domains end to end: the HTTP proof goes out through the real outbound guard to the app itself,
 * served on a local port (as a customer's CNAME would send it here); the DNS proof reads the suite's TXT table.
 */

/** Names under this suffix resolve to 127.0.0.1, as a domain CNAMEd to this service would. */
const POINTED = "pointed-here.com";
let t: TestApp;
let server: ServerType;
let a: TestTenant;
let b: TestTenant;
let noSettings: TestAgent;

/** The operator allows loopback (OUTBOUND_ALLOW_HOSTS), where the POINTED names resolve. */
const pointingGuard = () =>
  createOutboundGuard({
    allow: "127.0.0.1",
    resolve: async (host) =>
      host.endsWith(`.${POINTED}`) ? [{ address: "127.0.0.1", family: 4 }] : loopbackResolve(host),
  });

beforeAll(async () => {
  const port = await freePort();
  t = await bootTestApp({ domainVerificationPort: port }, undefined, undefined, undefined, undefined, pointingGuard());
  await new Promise<void>((resolve) => {
    server = serve({ fetch: t.app.fetch, port, hostname: "127.0.0.1" }, () => resolve());
  });
  a = await createTenant(t);
  b = await createTenant(t);
  // Names under POINTED are CNAMEs to A's own address unless a test says otherwise (the HTTP proof needs it).
  pointAtA(t);
  noSettings = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

/** The names the HTTP checks use are CNAMEs to A's own address (the HTTP proof needs it), in `app`'s DNS table. */
function pointAtA(app: TestApp) {
  for (const name of [
    "nowhere.example.net",
    ...["support", "guarded", "www", "elsewhere"].map((n) => `${n}.${POINTED}`),
  ]) {
    app.dns.cnames.set(name, `${a.slug}.${BASE_DOMAIN}`);
  }
}

const routesTo = async (host: string) => (await new Client(t, host).get("/api/v1/config")).status;

describe("custom domains", () => {
  it("adds a domain with a fresh token and the instructions to verify it; it does not route yet", async () => {
    const res = await a.admin.post("/api/v1/domains", { hostname: "  Help.DNS-Proof.example.org. " });
    expect(res.status).toBe(201);
    const d = res.body.data;
    expect(d).toMatchObject({ hostname: "help.dns-proof.example.org", status: "pending", verified_at: null });
    expect(d.verification.dns).toEqual({
      type: "TXT",
      name: "_helperiq-verification.help.dns-proof.example.org",
      value: `helperiq-verification=${d.verification.http.body}`,
    });
    expect(d.verification.http.url).toMatch(
      /^http:\/\/help\.dns-proof\.example\.org:\d+\/\.well-known\/helperiq-domain-verification$/,
    );
    expect(d.verification.cname_target).toBe(`${a.slug}.${BASE_DOMAIN}`);
    expect(d.verification.http.body).toMatch(/^[a-z2-7]{32}$/);
    expect(await routesTo("help.dns-proof.example.org")).toBe(404);
    // Removing and adding again gives another token: an old record proves nothing.
    await a.admin.delete("/api/v1/domains/help.dns-proof.example.org");
    const again = await a.admin.post("/api/v1/domains", { hostname: "help.dns-proof.example.org" });
    expect(again.body.data.verification.http.body).not.toBe(d.verification.http.body);
  });

  it("verifies by DNS TXT record, after saying in words what was missing", async () => {
    const host = "help.dns-proof.example.org";
    const failed = await a.admin.post(`/api/v1/domains/${host}/verify`);
    expect(failed.status).toBe(200);
    expect(failed.body.data.status).toBe("pending");
    expect(failed.body.data.last_error).toContain(`no TXT record found at _helperiq-verification.${host}`);
    expect(failed.body.data.last_error).toContain(`HTTP: ${host} has no CNAME record`);
    expect(await routesTo(host)).toBe(404);

    const name = failed.body.data.verification.dns.name;
    t.dns.records.set(name, ["v=spf1 -all", "helperiq-verification=someone-elses-token"]);
    const wrong = await a.admin.post(`/api/v1/domains/${host}/verify`);
    expect(wrong.body.data.last_error).toContain("holds another token than this domain's");

    t.dns.records.set(name, ["v=spf1 -all", failed.body.data.verification.dns.value]);
    const ok = await a.admin.post(`/api/v1/domains/${host}/verify`);
    expect(ok.body.data).toMatchObject({ status: "verified", last_error: null });
    expect(ok.body.data.verified_at).toBe(t.clock.now().toISOString());
    expect(await routesTo(host)).toBe(200);
    expect((await new Client(t, host).get("/api/v1/config")).body.data).toBeTruthy();
  });

  it("verifies over HTTP: the name is a CNAME to the workspace's own address and the well-known URL, fetched through the outbound guard, reaches this service", async () => {
    const host = `support.${POINTED}`;
    const added = await a.admin.post("/api/v1/domains", { hostname: host });
    const token = added.body.data.verification.http.body;
    // Every host answers its own pending token, workspace or not; an unclaimed one answers 404.
    const wellKnown = await new Client(t, host).get("/.well-known/helperiq-domain-verification");
    expect(wellKnown).toMatchObject({ status: 200, body: token });
    expect((await new Client(t, `nobody.${POINTED}`).get("/.well-known/helperiq-domain-verification")).status).toBe(
      404,
    );
    expect(await routesTo(host)).toBe(404);
    const res = await a.admin.post(`/api/v1/domains/${host}/verify`);
    expect(res.body.data).toMatchObject({ hostname: host, status: "verified", last_error: null });
    expect(await routesTo(host)).toBe(200);
  });

  it("refuses the HTTP proof for a name that reaches this service but is not a CNAME to the claiming workspace (none: an apex; another workspace's): the DNS TXT record is then the way", async () => {
    // The name reaches this service and the service answers its token: before the CNAME rule that verified it.
    const host = `squatted.${POINTED}`;
    t.dns.cnames.delete(host);
    await a.admin.post("/api/v1/domains", { hostname: host });
    const none = await a.admin.post(`/api/v1/domains/${host}/verify`);
    expect(none.body.data.status).toBe("pending");
    expect(none.body.data.last_error).toContain(
      `HTTP: ${host} has no CNAME record; the HTTP proof needs a CNAME to ${a.slug}.${BASE_DOMAIN}, and a name that cannot have one (an apex, like example.com) must use the DNS TXT record.`,
    );
    // Pointed at workspace B (a CNAME left from B's claim, or set for B): A cannot verify it over HTTP.
    t.dns.cnames.set(host, `${b.slug}.${BASE_DOMAIN}.`);
    const elsewhere = await a.admin.post(`/api/v1/domains/${host}/verify`);
    expect(elsewhere.body.data.status).toBe("pending");
    expect(elsewhere.body.data.last_error).toContain(
      `HTTP: ${host} is a CNAME to ${b.slug}.${BASE_DOMAIN}, not to ${a.slug}.${BASE_DOMAIN}; the HTTP proof needs a CNAME to this workspace's own address, otherwise use the DNS TXT record.`,
    );
    expect(await routesTo(host)).toBe(404);
    // A failed look-up says so.
    t.dns.cnames.set(host, new Error("the DNS look-up timed out for x"));
    const failed = await a.admin.post(`/api/v1/domains/${host}/verify`);
    expect(failed.body.data.last_error).toContain(
      `HTTP: the CNAME look-up of ${host} failed: the DNS look-up timed out`,
    );
    // Without BASE_DOMAIN there is no workspace address to point at: only TXT verifies.
    t.dns.cnames.set(host, `${a.slug}.${BASE_DOMAIN}`);
    const httpPort = t.deps.config.domainVerificationPort;
    const ports = { outbound: t.deps.outbound, dns: t.dns, httpPort };
    const noBase = await verifyCustomDomain(t.database.db, ports, a, host, { httpPort }, t.clock.now());
    expect(noBase.status).toBe("pending");
    expect(noBase.last_error).toContain(
      "HTTP: this service has no address of its own for workspaces (BASE_DOMAIN is not set)",
    );
    // With the CNAME to A's own address it verifies.
    const ok = await a.admin.post(`/api/v1/domains/${host}/verify`);
    expect(ok.body.data).toMatchObject({ status: "verified", last_error: null });
    expect(await routesTo(host)).toBe(200);
    await a.admin.delete(`/api/v1/domains/${host}`);
  });

  it("says why the HTTP check failed: a name that does not resolve, a private address, a wrong answer", async () => {
    await a.admin.post("/api/v1/domains", { hostname: "nowhere.example.net" });
    const unresolved = await a.admin.post("/api/v1/domains/nowhere.example.net/verify");
    expect(unresolved.body.data.last_error).toMatch(
      /HTTP: http:\/\/nowhere\.example\.net:\d+\/\S+ could not be fetched \(the name does not resolve\)/,
    );

    // The HTTP check goes through the guard: without the operator's allowance, loopback is refused in words.
    const strict = await bootTestApp(
      {},
      t.database,
      undefined,
      undefined,
      undefined,
      createOutboundGuard({
        resolve: async () => [{ address: "127.0.0.1", family: 4 }],
      }),
    );
    pointAtA(strict);
    const strictAdmin = new Client(strict, a.host, a.admin.creds);
    await strictAdmin.post("/api/v1/domains", { hostname: `guarded.${POINTED}` });
    const refused = await strictAdmin.post(`/api/v1/domains/guarded.${POINTED}/verify`);
    expect(refused.body.data.last_error).toMatch(/may not be fetched: .*127\.0\.0\.1/);
    expect(refused.body.data.status).toBe("pending");

    // A domain pointed at some other web server: its answer is not the token, or an error status.
    const other = createServer((req, res) => {
      if (req.headers.host?.startsWith("elsewhere.")) res.writeHead(404).end("not found");
      else res.writeHead(200, { "content-type": "text/plain" }).end("Welcome to nginx!");
    });
    const otherPort = await freePort();
    await new Promise<void>((resolve) => other.listen(otherPort, "127.0.0.1", resolve));
    try {
      const elsewhere = await bootTestApp(
        { domainVerificationPort: otherPort },
        t.database,
        undefined,
        undefined,
        undefined,
        pointingGuard(),
      );
      pointAtA(elsewhere);
      const admin = new Client(elsewhere, a.host, a.admin.creds);
      await admin.post("/api/v1/domains", { hostname: `www.${POINTED}` });
      const wrong = await admin.post(`/api/v1/domains/www.${POINTED}/verify`);
      expect(wrong.body.data.last_error).toContain("answered, but not with this domain's token");
      expect(wrong.body.data.last_error).not.toContain("nginx");
      await admin.post("/api/v1/domains", { hostname: `elsewhere.${POINTED}` });
      const missing = await admin.post(`/api/v1/domains/elsewhere.${POINTED}/verify`);
      expect(missing.body.data.last_error).toMatch(/helperiq-domain-verification answered HTTP 404\.$/);
      expect(await routesTo(`www.${POINTED}`)).toBe(404);
      await admin.delete(`/api/v1/domains/www.${POINTED}`);
      await admin.delete(`/api/v1/domains/elsewhere.${POINTED}`);
      await strictAdmin.delete(`/api/v1/domains/guarded.${POINTED}`);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it("refuses bad host names, BASE_DOMAIN's subdomains and a domain another workspace holds", async () => {
    for (const [hostname, words] of [
      ["https://help.example.com/", "without scheme, port or path"],
      ["help.example.com:8443", "without scheme, port or path"],
      ["localhost", "fully qualified"],
      ["intranet.local", "not a public domain name"],
      ["10.0.0.1", "an IP address"],
      ["bad_label.example.com", '"bad_label" is not a valid DNS label'],
      [`${b.slug}.${BASE_DOMAIN}`, `is under ${BASE_DOMAIN}`],
      [BASE_DOMAIN, `is under ${BASE_DOMAIN}`],
    ] as const) {
      const res = await a.admin.post("/api/v1/domains", { hostname });
      expect(res.status, hostname).toBe(400);
      expect(res.body.data).toEqual({ type: "InputError", message: expect.stringContaining(words) });
      expect(res.body.data.message).toMatch(/^hostname: /);
    }
    expect((await a.admin.post("/api/v1/domains", {})).status).toBe(400);
    const taken = await b.admin.post("/api/v1/domains", { hostname: "HELP.dns-proof.example.org" });
    expect(taken.status).toBe(409);
    expect(taken.body.data.message).toBe(
      "hostname: help.dns-proof.example.org is already claimed by another workspace",
    );
    const twice = await a.admin.post("/api/v1/domains", { hostname: "help.dns-proof.example.org" });
    expect(twice.status).toBe(409);
    expect(twice.body.data.message).toContain("already added to this workspace");
  });

  it("refuses the operator's own hosts (PLATFORM_HOST, ROOT_URL's), which already reach this service and would verify over HTTP at once", async () => {
    const config = {
      ...t.deps.config,
      rootUrl: "https://desk.operator.example",
      platform: { apiKey: "platform-key-domains-0123456789abcdef", host: "ops.operator.example" },
    };
    const operated = { ...t, app: createApp({ ...t.deps, config }, Object.values(FAMILIES)) };
    const admin = new Client(operated, a.host, a.admin.creds);
    const operator = new Client(operated, "ops.operator.example", { bearer: config.platform.apiKey });
    for (const hostname of ["OPS.operator.example.", "desk.operator.example"]) {
      for (const res of [
        await admin.post("/api/v1/domains", { hostname }),
        await operator.post(`/platform/v1/workspaces/${a.slug}/domains`, { hostname }),
      ]) {
        expect(res.status, hostname).toBe(400);
        expect(res.body.data.message).toMatch(/^hostname: [a-z.]+ is this service's own host/);
      }
    }
    const created = await operator.post("/platform/v1/workspaces", {
      slug: "own-hosts",
      name: "Own hosts",
      admin: { email: "o@own-hosts.example", first_name: "O" },
      domains: ["ops.operator.example"],
    });
    expect(created.status).toBe(400);
    expect(created.body.data.message).toMatch(/^domains\[0\]: ops.operator.example is this service's own host/);
    expect(
      await t.database.db.select().from(tenantDomains).where(like(tenantDomains.hostname, "%operator.example")),
    ).toEqual([]);
  });

  it("holds at most MAX_DOMAINS_PER_WORKSPACE names per workspace, pending ones included (claims cannot squat on names in bulk)", async () => {
    const c = await createTenant(t);
    await t.database.db.insert(tenantDomains).values(
      Array.from({ length: MAX_DOMAINS_PER_WORKSPACE - 1 }, (_, i) => ({
        hostname: `help${i}.squat-${c.id}.example`,
        tenantId: c.id,
        verificationToken: `token${i}`,
      })),
    );
    expect((await c.admin.post("/api/v1/domains", { hostname: `last.squat-${c.id}.example` })).status).toBe(201);
    const over = await c.admin.post("/api/v1/domains", { hostname: `more.squat-${c.id}.example` });
    expect(over.status).toBe(400);
    expect(over.body.data).toEqual({
      type: "InputError",
      message: `hostname: a workspace holds at most ${MAX_DOMAINS_PER_WORKSPACE} domains; remove one first`,
    });
    const held = await t.database.db.select().from(tenantDomains).where(eq(tenantDomains.tenantId, c.id));
    expect(held).toHaveLength(MAX_DOMAINS_PER_WORKSPACE);
  });

  it("lists the workspace's domains only, needs the settings permission, and removes a domain (it stops routing)", async () => {
    const list = await a.admin.get("/api/v1/domains");
    expect(list.body.data.map((d: { hostname: string }) => d.hostname)).toEqual(
      expect.arrayContaining(["help.dns-proof.example.org", `support.${POINTED}`]),
    );
    await b.admin.post("/api/v1/domains", { hostname: `b.${POINTED}` });
    expect((await b.admin.get("/api/v1/domains")).body.data.map((d: { hostname: string }) => d.hostname)).toEqual([
      `b.${POINTED}`,
    ]);
    // B's admin cannot read, check or remove A's domain by its name: 404, and A's row is left as it was.
    const aHost = "help.dns-proof.example.org";
    const before = (await a.admin.get(`/api/v1/domains/${aHost}`)).body.data;
    for (const res of [
      await b.admin.get(`/api/v1/domains/${aHost}`),
      await b.admin.post(`/api/v1/domains/${aHost}/verify`),
      await b.admin.delete(`/api/v1/domains/${aHost}`),
    ]) {
      expect(res.status).toBe(404);
    }
    expect((await a.admin.get(`/api/v1/domains/${aHost}`)).body.data).toEqual(before);
    expect((await noSettings.client.get("/api/v1/domains")).status).toBe(403);
    expect((await a.anonymous.get("/api/v1/domains")).status).toBe(401);
    const removed = await a.admin.delete(`/api/v1/domains/support.${POINTED}`);
    expect(removed).toMatchObject({ status: 200, body: { data: true } });
    expect(await routesTo(`support.${POINTED}`)).toBe(404);
    expect((await a.admin.delete(`/api/v1/domains/support.${POINTED}`)).status).toBe(404);
  });

  // Last: it moves the suite's clock a week on.
  it("a claim left unverified for a week yields to another workspace claiming the name (audited); a verified or younger one does not", async () => {
    const squatter = await createTenant(t);
    const host = "help.squatted-for-ever.example";
    const kept = "help.verified-long-ago.example";
    expect((await squatter.admin.post("/api/v1/domains", { hostname: host })).status).toBe(201);
    expect((await squatter.admin.post("/api/v1/domains", { hostname: kept })).status).toBe(201);
    await t.database.db
      .update(tenantDomains)
      .set({ verifiedAt: t.clock.now() })
      .where(eq(tenantDomains.hostname, kept));
    const oldToken = (await new Client(t, host).get("/.well-known/helperiq-domain-verification")).body;

    t.clock.advance(PENDING_CLAIM_YIELDS_AFTER_MS - 60_000);
    const young = await b.admin.post("/api/v1/domains", { hostname: host });
    expect(young.status).toBe(409);
    expect(young.body.data.message).toBe(`hostname: ${host} is already claimed by another workspace`);

    t.clock.advance(120_000);
    const yielded = await b.admin.post("/api/v1/domains", { hostname: host });
    expect(yielded.status).toBe(201);
    expect(yielded.body.data).toMatchObject({
      hostname: host,
      status: "pending",
      created_at: t.clock.now().toISOString(),
    });
    expect(yielded.body.data.verification.http.body).not.toBe(oldToken);
    const rows = await t.database.db.select().from(tenantDomains).where(eq(tenantDomains.hostname, host));
    expect(rows.map((r) => r.tenantId)).toEqual([b.id]);
    expect(
      (await squatter.admin.get("/api/v1/domains")).body.data.map((d: { hostname: string }) => d.hostname),
    ).toEqual([kept]);
    const [audit] = await t.database.db
      .select()
      .from(platformAudit)
      .where(and(eq(platformAudit.action, "domain.claim-yielded"), eq(platformAudit.workspaceSlug, squatter.slug)));
    expect(audit).toMatchObject({
      actor: `workspace:${b.slug}`,
      status: 200,
      detail: { hostname: host, claimed_by: b.slug, pending_since: expect.any(String) },
    });
    // A verified claim never yields, however old.
    const verified = await b.admin.post("/api/v1/domains", { hostname: kept });
    expect(verified.status).toBe(409);
  });
});
