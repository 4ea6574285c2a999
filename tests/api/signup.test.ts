import { createApp, FAMILIES } from "@helperiq/api";
import { SIGNUP_LIMITS } from "@helperiq/api/families/signup";
import { hashToken } from "@helperiq/core/auth/token";
import { platformAudit, signups, tenants } from "@helperiq/core/schema";
import { disposableSlugProblem } from "@helperiq/core/signup/disposable";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, parseSetCookies, TEST_IP_HEADER, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";

/** Self-serve sign-up: on the base domain only, mailed link, workspace creation, hand-off to the new host. */

let t: TestApp;
let base: Client;
let other: TestTenant;
const PASSWORD = "a long enough password";

/** A caller from its own address, so the per-IP limits of one test do not reach the next. */
let ipSeq = 0;
const fromNewIp = (client = base) => {
  const ip = `198.51.100.${++ipSeq}`;
  return { post: (path: string, body: unknown) => client.request("POST", path, body, { [TEST_IP_HEADER]: ip }) };
};

function mailedToken(to: string): string {
  const mail = t.outbox.filter((m) => m.to === to).at(-1);
  const link = /http:\/\/\S+\/signup\/verify\?token=([a-z2-7]+)/.exec(mail?.text ?? "");
  if (!link) throw new Error(`no sign-up mail to ${to}: ${JSON.stringify(t.outbox.map((m) => m.to))}`);
  return link[1]!;
}

beforeAll(async () => {
  t = await bootTestApp({ signup: "open" });
  base = new Client(t, BASE_DOMAIN);
  // A word-like slug: a random factory slug may itself look "randomly generated", which is refused before taken.
  other = await createTenant(t, { slug: "harbour-books" });
});
afterAll(() => t.close());

describe("sign-up", () => {
  it("is a 404 when closed, and anywhere but the base domain itself", async () => {
    const closed = {
      ...t,
      app: createApp({ ...t.deps, config: { ...t.deps.config, signup: "closed" } }, Object.values(FAMILIES)),
    };
    const body = { email: "x@acme.example", workspace_name: "Acme", slug: "acme-closed" };
    for (const [client, path] of [
      [new Client(closed, BASE_DOMAIN), "/api/v1/signup"],
      [new Client(closed, BASE_DOMAIN), "/api/v1/signup/verify"],
      [other.anonymous, "/api/v1/signup"],
      [new Client(t, `nobody.${BASE_DOMAIN}`), "/api/v1/signup"],
    ] as const) {
      const res = await client.post(path, body);
      expect(res.status, `${client.host}${path}`).toBe(404);
      expect(res.body.data.type).toBe("NotFoundError");
    }
    expect((await new Client(closed, BASE_DOMAIN).get("/api/v1/signup")).status).toBe(404);
    expect((await base.get("/api/v1/signup")).body.data).toEqual({
      app_name: "HelperIQ",
      base_domain: BASE_DOMAIN,
      default_language: "en",
    });
    // The sign-up pages load their language pack on the base domain, where no workspace is.
    expect((await base.get("/api/v1/lang/en")).status).toBe(200);
    expect(await t.database.db.select().from(signups)).toEqual([]);
  });

  it("refuses bad fields, reserved and disposable-looking slugs, and a taken slug, naming the field", async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ email: "not-an-email", workspace_name: "Acme", slug: "acme" }, 400, "email: "],
      [{ email: "a@acme.example", workspace_name: "", slug: "acme" }, 400, "workspace_name: "],
      [{ email: "a@acme.example", workspace_name: "Acme", slug: "Bad_Slug" }, 400, "slug: may hold only"],
      [{ email: "a@acme.example", workspace_name: "Acme", slug: "admin" }, 400, 'slug: "admin" is reserved'],
      [{ email: "a@acme.example", workspace_name: "Acme", slug: "12345" }, 400, "slug: a workspace name needs letters"],
      [{ email: "a@acme.example", workspace_name: "Acme", slug: "test123" }, 400, 'slug: "test" looks like a test'],
      [{ email: "a@acme.example", workspace_name: "Acme", slug: "my-temp-01" }, 400, 'slug: "temp" looks like a test'],
      [{ email: "a@acme.example", workspace_name: "Acme", slug: "a8f3k2m9x1" }, 400, "slug: looks randomly generated"],
      [{ email: "a@acme.example", workspace_name: "Acme", slug: "xkqzrtvw" }, 400, "slug: looks randomly generated"],
      [
        { email: "a@acme.example", workspace_name: "Acme", slug: other.slug },
        409,
        `slug: "${other.slug}" is already taken`,
      ],
      [{ email: "a@acme.example", workspace_name: "Acme", slug: "acme", extra: 1 }, 400, "extra"],
    ];
    for (const [body, status, words] of cases) {
      const res = await fromNewIp().post("/api/v1/signup", body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.data.type).toBe("InputError");
      expect(res.body.data.message, JSON.stringify(body)).toContain(words);
    }
    expect(await t.database.db.select().from(signups)).toEqual([]);
    expect(t.outbox).toEqual([]);
  });

  it("keeps ordinary names: words, brands with digits, hyphenated names", () => {
    for (const slug of ["acme", "acme-support", "bikes4you", "team-rocket-2", "strengths", "k9-rescue", "contestant"])
      expect(disposableSlugProblem(slug), slug).toBeNull();
  });

  it("mails a verification link to the base domain's page and keeps only the token's hash", async () => {
    const res = await fromNewIp().post("/api/v1/signup", {
      email: " Owner@Acme.Example ",
      workspace_name: "Acme Support",
      slug: "Acme-Support",
    });
    expect(res.status).toBe(202);
    expect(res.body.data).toEqual({
      email: "owner@acme.example",
      slug: "acme-support",
      expires_at: new Date(t.clock.now().getTime() + 24 * 3600_000).toISOString(),
    });
    await t.queue.drain();
    const token = mailedToken("owner@acme.example");
    const mail = t.outbox.at(-1)!;
    expect(mail.subject).toBe("Confirm your HelperIQ workspace Acme Support");
    expect(mail.text).toContain(`http://${BASE_DOMAIN}/signup/verify?token=${token}`);
    expect(mail.text).toContain(`acme-support.${BASE_DOMAIN}`);
    const [row] = await t.database.db.select().from(signups).where(eq(signups.email, "owner@acme.example"));
    expect(row).toMatchObject({ slug: "acme-support", workspaceName: "Acme Support", tokenHash: hashToken(token) });
    expect(JSON.stringify(row)).not.toContain(token);
    // Nothing exists before the link is used.
    expect(await t.database.db.select().from(tenants).where(eq(tenants.slug, "acme-support"))).toEqual([]);
  });

  it("verifies: creates the workspace with the owner's password, then signs them in on the workspace's host once (GET /api/v1/signup/session)", async () => {
    const token = mailedToken("owner@acme.example");
    const short = await fromNewIp().post("/api/v1/signup/verify", { token, first_name: "Olga", password: "short" });
    expect(short.status).toBe(400);
    expect(short.body.data.message).toMatch(/^password: /);
    expect(
      (await fromNewIp().post("/api/v1/signup/verify", { token: "wrong", first_name: "O", password: PASSWORD })).body
        .data.message,
    ).toBe("token: invalid or expired; sign up again to get a new link");
    expect(await t.database.db.select().from(tenants).where(eq(tenants.slug, "acme-support"))).toEqual([]);

    const res = await fromNewIp().post("/api/v1/signup/verify", {
      token,
      first_name: "Olga",
      last_name: "Owner",
      password: PASSWORD,
    });
    expect(res.status).toBe(201);
    const host = `acme-support.${BASE_DOMAIN}`;
    expect(res.body.data).toMatchObject({
      workspace: { slug: "acme-support", name: "Acme Support" },
      email: "owner@acme.example",
      workspace_url: `http://${host}`,
    });
    const signIn = new URL(res.body.data.sign_in_url);
    expect(signIn.host).toBe(host);
    expect(signIn.pathname).toBe("/api/v1/signup/session");
    // The mailed token is spent.
    expect(
      (await fromNewIp().post("/api/v1/signup/verify", { token, first_name: "O", password: PASSWORD })).status,
    ).toBe(400);

    // The hand-off works only on its own workspace's host, once.
    const path = `${signIn.pathname}${signIn.search}`;
    const elsewhere = await other.anonymous.get(path);
    expect(elsewhere).toMatchObject({ status: 302 });
    expect(elsewhere.headers.get("location")).toBe("/login");
    const handoff = await new Client(t, host).get(path);
    expect(handoff.status).toBe(302);
    expect(handoff.headers.get("location")).toBe("/");
    const cookies = parseSetCookies(handoff.headers);
    const owner = new Client(t, host, { cookies, csrf: cookies.csrf_token! });
    const me = await owner.get("/api/v1/agents/me");
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ email: "owner@acme.example", first_name: "Olga", last_name: "Owner" });
    expect((await owner.get("/api/v1/agents?page_size=5")).status).toBe(200);
    const again = await new Client(t, host).get(path);
    expect(again.headers.get("location")).toBe("/login");
    // The password chosen on the verification page is theirs.
    expect((await new Client(t, host).login("owner@acme.example", PASSWORD)).creds.cookies).toBeTruthy();

    const audit = await t.database.db
      .select()
      .from(platformAudit)
      .where(eq(platformAudit.workspaceSlug, "acme-support"));
    expect(audit.map((a) => [a.actor, a.action, a.status])).toEqual([
      ["signup:owner@acme.example", "signup.request", 202],
      ["signup:owner@acme.example", "workspace.create", 201],
    ]);
  });

  it("expires the link after a day, and an expired hand-off signs nobody in", async () => {
    await fromNewIp().post("/api/v1/signup", {
      email: "late@bikes.example",
      workspace_name: "Bikes",
      slug: "bikes4you",
    });
    await t.queue.drain();
    const token = mailedToken("late@bikes.example");
    t.clock.advance(24 * 3600_000 + 1);
    const late = await fromNewIp().post("/api/v1/signup/verify", { token, first_name: "Lea", password: PASSWORD });
    expect(late.status).toBe(400);
    expect(late.body.data.message).toContain("token: invalid or expired");

    await fromNewIp().post("/api/v1/signup", {
      email: "slow@kites.example",
      workspace_name: "Kites",
      slug: "kite-club",
    });
    await t.queue.drain();
    const verified = await fromNewIp().post("/api/v1/signup/verify", {
      token: mailedToken("slow@kites.example"),
      first_name: "Sam",
      password: PASSWORD,
    });
    t.clock.advance(2 * 60_000 + 1);
    const signIn = new URL(verified.body.data.sign_in_url);
    const res = await new Client(t, signIn.host).get(`${signIn.pathname}${signIn.search}`);
    expect(res.headers.get("location")).toBe("/login");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a slug taken between the request and the verification with 409, creating nothing", async () => {
    await fromNewIp().post("/api/v1/signup", {
      email: "first@race.example",
      workspace_name: "Race",
      slug: "race-team",
    });
    await fromNewIp().post("/api/v1/signup", {
      email: "second@race.example",
      workspace_name: "Race 2",
      slug: "race-team",
    });
    await t.queue.drain();
    const ok = await fromNewIp().post("/api/v1/signup/verify", {
      token: mailedToken("first@race.example"),
      first_name: "F",
      password: PASSWORD,
    });
    expect(ok.status).toBe(201);
    const late = await fromNewIp().post("/api/v1/signup/verify", {
      token: mailedToken("second@race.example"),
      first_name: "S",
      password: PASSWORD,
    });
    expect(late.status).toBe(409);
    expect(late.body.data.message).toContain('slug: "race-team" was taken since you signed up');
    const [workspace] = await t.database.db.select().from(tenants).where(eq(tenants.slug, "race-team"));
    expect(workspace!.name).toBe("Race");
  });

  it("a link submitted twice at once creates the workspace once; the other submit finds the link spent (400), not a taken slug", async () => {
    await fromNewIp().post("/api/v1/signup", {
      email: "twice@clicks.example",
      workspace_name: "Clicks",
      slug: "clicks",
    });
    await t.queue.drain();
    const token = mailedToken("twice@clicks.example");
    const submit = () => fromNewIp().post("/api/v1/signup/verify", { token, first_name: "Cy", password: PASSWORD });
    const answers = await Promise.all([submit(), submit()]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 400]);
    expect(answers.find((a) => a.status === 400)!.body.data.message).toBe(
      "token: invalid or expired; sign up again to get a new link",
    );
    expect(await t.database.db.select().from(tenants).where(eq(tenants.slug, "clicks"))).toHaveLength(1);
  });

  it("a verification refused half way (the slug taken meanwhile) leaves the link usable, nothing spent", async () => {
    await fromNewIp().post("/api/v1/signup", { email: "keep@link.example", workspace_name: "Keep", slug: "keepsake" });
    await t.queue.drain();
    const token = mailedToken("keep@link.example");
    const taken = await createTenant(t, { slug: "keepsake" });
    const refused = await fromNewIp().post("/api/v1/signup/verify", { token, first_name: "K", password: PASSWORD });
    expect(refused.status).toBe(409);
    const [row] = await t.database.db.select().from(signups).where(eq(signups.email, "keep@link.example"));
    expect(row).toMatchObject({ consumedAt: null, tokenHash: hashToken(token) });
    // Once the name is free again the same link creates the workspace.
    await t.database.db.update(tenants).set({ slug: "keepsake-old" }).where(eq(tenants.id, taken.id));
    const ok = await fromNewIp().post("/api/v1/signup/verify", { token, first_name: "K", password: PASSWORD });
    expect(ok.status).toBe(201);
  });

  it("limits requests per email and per IP (429 with Retry-After)", async () => {
    const email = "flood@spam-target.example";
    for (let i = 0; i < SIGNUP_LIMITS.requestsPerEmail; i++) {
      expect(
        (await fromNewIp().post("/api/v1/signup", { email, workspace_name: "W", slug: `garden-${"abcdefgh"[i]}` }))
          .status,
      ).toBe(202);
    }
    const over = await fromNewIp().post("/api/v1/signup", { email, workspace_name: "W", slug: "garden-z" });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toMatch(/^\d+$/);

    const oneIp = { [TEST_IP_HEADER]: "203.0.113.77" };
    const statuses: number[] = [];
    for (let i = 0; i <= SIGNUP_LIMITS.requestsPerIp; i++) {
      const body = { email: `person${i}@many.example`, workspace_name: "W", slug: `orchard-${"abcdefghijkl"[i]}` };
      statuses.push((await base.request("POST", "/api/v1/signup", body, oneIp)).status);
    }
    expect(statuses.slice(0, -1).every((s) => s === 202)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
  it("builds the mailed link and the new workspace's URLs from BASE_DOMAIN with ROOT_URL's scheme and port, never the request's Host", async () => {
    const rooted = {
      ...t,
      app: createApp(
        { ...t.deps, config: { ...t.deps.config, rootUrl: "http://localhost:41234" } },
        Object.values(FAMILIES),
      ),
    };
    // The request names another port (and asks for https): neither reaches the link.
    const asked = fromNewIp(new Client(rooted, `${BASE_DOMAIN}:9999`));
    const res = await asked.post("/api/v1/signup", {
      email: "port@rule.example",
      workspace_name: "Port",
      slug: "port-rule",
    });
    expect(res.status).toBe(202);
    await t.queue.drain();
    const token = mailedToken("port@rule.example");
    expect(t.outbox.at(-1)!.text).toContain(`http://${BASE_DOMAIN}:41234/signup/verify?token=${token}`);
    const verified = await asked.post("/api/v1/signup/verify", { token, first_name: "Pia", password: PASSWORD });
    expect(verified.status).toBe(201);
    const origin = `http://port-rule.${BASE_DOMAIN}:41234`;
    expect(verified.body.data.workspace_url).toBe(origin);
    expect(new URL(verified.body.data.sign_in_url).origin).toBe(origin);
  });
});
