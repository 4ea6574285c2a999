import { createWorkspace } from "@helperiq/core/platform/create";
import { workspaceCreateInput } from "@helperiq/core/platform/input";
import { RESERVED_SLUGS, slugProblem } from "@helperiq/core/platform/slug";
import { platformAudit, tenantDomains, users } from "@helperiq/core/schema";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, type TestApp } from "../support/app.ts";

/** createWorkspace, the operation behind the platform API, the CLI and self-serve sign-up. */
let t: TestApp;
beforeAll(async () => {
  t = await bootTestApp();
});
afterAll(() => t.close());

const links = { baseDomain: BASE_DOMAIN, secureCookies: true };
let seq = 0;
const freshSlug = () => `pc${process.pid.toString(36)}x${++seq}`;
const input = (slug: string, extra: Record<string, unknown> = {}) =>
  workspaceCreateInput.parse({
    slug,
    name: "Acme Support",
    admin: { email: "Owner@Acme.example", first_name: "Olga" },
    ...extra,
  });

describe("slug rules", () => {
  it("accepts a DNS label of 3 to 63 characters", () => {
    for (const ok of ["abc", "acme-support", "a1b", "x".repeat(63), "9lives"]) expect(slugProblem(ok)).toBeNull();
  });

  it("refuses what is no DNS label, too short or long, IDNA-like or reserved", () => {
    expect(slugProblem("ab")).toMatch(/3 to 63/);
    expect(slugProblem("x".repeat(64))).toMatch(/3 to 63/);
    for (const bad of ["-acme", "acme-", "ac_me", "ac.me", "Acme", "acmé", "ac me"]) {
      expect(slugProblem(bad), bad).toMatch(/lower-case letters/);
    }
    expect(slugProblem("xn--acme")).toMatch(/third and fourth/);
    for (const name of ["www", "api", "app", "admin", "platform", "mail", "static", "status", "help", "support"]) {
      expect(RESERVED_SLUGS.has(name)).toBe(true);
      expect(slugProblem(name)).toBe(`"${name}" is reserved`);
    }
  });

  it("the input schema lower-cases and trims before checking", () => {
    expect(
      workspaceCreateInput.parse({ slug: " AcmeCo ", name: "A", admin: { email: "a@b.example", first_name: "A" } })
        .slug,
    ).toBe("acmeco");
    const bad = workspaceCreateInput.safeParse({
      slug: "www",
      name: "A",
      admin: { email: "a@b.example", first_name: "A" },
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["slug"]);
  });
});

describe("createWorkspace", () => {
  it("makes a workspace whose admin has no password but a one-time set-password link, mailed", async () => {
    const slug = freshSlug();
    const before = t.outbox.length;
    const created = await createWorkspace(
      { db: t.database.db, clock: t.clock, links, queue: t.queue },
      input(slug, { plan: "pro", limits: { agents: 5 } }),
    );
    expect(created.workspace).toMatchObject({
      slug,
      name: "Acme Support",
      status: "active",
      plan: "pro",
      limits: { agents: 5 },
    });
    expect(created.mailed).toBe(true);
    const host = `${slug}.${BASE_DOMAIN}`;
    expect(created.set_password_link).toMatch(new RegExp(`^https://${host}/reset-password\\?token=[a-z0-9]+$`));
    const [admin] = await t.database.db
      .select({ hash: users.passwordHash })
      .from(users)
      .where(and(eq(users.tenantId, created.workspace.id), eq(users.id, created.admin.id)));
    expect(admin!.hash).toBeNull();

    await t.queue.drain();
    const mail = t.outbox.slice(before).find((m) => m.to === "Owner@Acme.example");
    expect(mail?.subject).toBe("Your workspace Acme Support is ready");
    expect(mail!.text).toContain(created.set_password_link);

    // The link sets the password once; the admin then signs in.
    const token = new URL(created.set_password_link).searchParams.get("token")!;
    const anon = new Client(t, host);
    expect(
      (await anon.post("/api/v1/auth/login", { email: "owner@acme.example", password: "a brand new password" })).status,
    ).toBe(401);
    expect((await anon.post("/api/v1/agents/set-password", { token, password: "a brand new password" })).status).toBe(
      200,
    );
    expect((await anon.post("/api/v1/agents/set-password", { token, password: "another new password" })).status).toBe(
      400,
    );
    await anon.login("Owner@Acme.example", "a brand new password");
  });

  it("the set-password link carries ROOT_URL's scheme and port, whatever host ROOT_URL names (one front door for every host of the service)", async () => {
    for (const rootUrl of [`http://${BASE_DOMAIN}:41234/`, "http://localhost:9000", "https://desk.operator.example"]) {
      const slug = freshSlug();
      const created = await createWorkspace(
        { db: t.database.db, clock: t.clock, links: { ...links, rootUrl } },
        input(slug),
      );
      const root = new URL(rootUrl);
      const port = root.port ? `:${root.port}` : "";
      expect(created.set_password_link, rootUrl).toMatch(
        new RegExp(
          `^${root.protocol}//${slug}\\.${BASE_DOMAIN.replace(".", "\\.")}${port}/reset-password\\?token=[a-z0-9]+$`,
        ),
      );
    }
  });

  it("without a queue the link is only returned", async () => {
    const before = t.outbox.length;
    const created = await createWorkspace({ db: t.database.db, clock: t.clock, links }, input(freshSlug()));
    await t.queue.drain();
    expect(created.mailed).toBe(false);
    expect(t.outbox.length).toBe(before);
  });

  it("a taken slug or domain is a 409 naming the field, and nothing is written", async () => {
    const slug = freshSlug();
    await createWorkspace(
      { db: t.database.db, clock: t.clock, links },
      input(slug, { domains: [`help.${slug}.example`] }),
    );
    await expect(createWorkspace({ db: t.database.db, clock: t.clock, links }, input(slug))).rejects.toMatchObject({
      status: 409,
      message: `slug: a workspace with slug "${slug}" already exists`,
    });
    const other = freshSlug();
    await expect(
      createWorkspace(
        { db: t.database.db, clock: t.clock, links },
        input(other, { domains: [`ok.${other}.example`, `HELP.${slug}.example.`] }),
      ),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/^domains\[1\]: help\..* is already/) });
    await expect(
      createWorkspace({ db: t.database.db, clock: t.clock, links }, input(other, { domains: ["not a host"] })),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^domains\[0\]:/) });
    // Neither refusal left a workspace behind.
    await createWorkspace({ db: t.database.db, clock: t.clock, links }, input(other));
  });

  it("takes a domain another workspace left unverified for over a week; a younger claim is still a 409", async () => {
    const squatter = freshSlug();
    const host = `desk.${squatter}.example`;
    const held = await createWorkspace(
      { db: t.database.db, clock: t.clock, links },
      input(squatter, { domains: [host] }),
    );
    const fresh = freshSlug();
    await expect(
      createWorkspace({ db: t.database.db, clock: t.clock, links }, input(fresh, { domains: [host] })),
    ).rejects.toMatchObject({ status: 409, message: `domains[0]: ${host} is already another workspace's domain` });
    const eightDaysAgo = new Date(t.clock.now().getTime() - 8 * 24 * 3600_000);
    await t.database.db.update(tenantDomains).set({ createdAt: eightDaysAgo }).where(eq(tenantDomains.hostname, host));
    const created = await createWorkspace(
      { db: t.database.db, clock: t.clock, links },
      input(fresh, { domains: [host] }),
    );
    expect(created.workspace.domains).toEqual([{ hostname: host, verified: false }]);
    const rows = await t.database.db.select().from(tenantDomains).where(eq(tenantDomains.hostname, host));
    expect(rows.map((r) => r.tenantId)).toEqual([created.workspace.id]);
    expect(rows[0]!.tenantId).not.toBe(held.workspace.id);
    const [audit] = await t.database.db
      .select()
      .from(platformAudit)
      .where(and(eq(platformAudit.action, "domain.claim-yielded"), eq(platformAudit.workspaceSlug, squatter)));
    expect(audit).toMatchObject({ actor: `workspace:${fresh}`, detail: { hostname: host, claimed_by: fresh } });
  });

  it("an unverified domain does not route yet", async () => {
    const slug = freshSlug();
    const created = await createWorkspace(
      { db: t.database.db, clock: t.clock, links },
      input(slug, { domains: [`desk.${slug}.example`] }),
    );
    expect(created.workspace.domains).toEqual([{ hostname: `desk.${slug}.example`, verified: false }]);
    expect((await new Client(t, `desk.${slug}.example`).get("/api/v1/config")).status).toBe(404);
  });
});
