import { tenantDomains } from "@helperiq/core/schema";
import { afterAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestTenant } from "../support/factories.ts";

/**
 * Set-password links (reset and welcome mails) never take their origin from the request: a forged Host or
 * X-Forwarded-Host must not send an agent's token to the forger's site. Without a `root_url` setting the
 * link goes to ROOT_URL (the default workspace) or the workspace's own domain.
 */
const apps: TestApp[] = [];
afterAll(async () => {
  for (const t of apps) await t.close();
});

async function boot(config: Parameters<typeof bootTestApp>[0]) {
  const t = await bootTestApp(config);
  apps.push(t);
  return t;
}

/** The link of the newest mail to `to`. */
async function linkMailedTo(t: TestApp, to: string): Promise<string> {
  await t.queue.drain();
  const mail = t.outbox.filter((m) => m.to === to).at(-1);
  if (!mail) throw new Error(`no mail to ${to}`);
  return /(\S+)\/reset-password\?token=[a-z0-9]+/.exec(mail.text)![1]!;
}

const resetFrom = (tenant: TestTenant, host: string, email: string, headers: Record<string, string> = {}) =>
  new Client(tenant.anonymous.t, host).request("POST", "/api/v1/agents/reset-password", { email }, headers);

describe("password-reset links ignore the request's host", () => {
  it("the default workspace, reached through a forged Host, links to ROOT_URL", async () => {
    const t = await boot({
      rootUrl: "https://help.example.org/",
      tenantRouting: { baseDomain: BASE_DOMAIN, defaultSlug: "main" },
    });
    const main = await createTenant(t, { slug: "main" });
    const agent = await createAgent(t, main);
    const res = await resetFrom(main, "attacker.example", agent.email);
    expect(res.status).toBe(200);
    expect(await linkMailedTo(t, agent.email)).toBe("https://help.example.org");
  });

  it("a workspace under BASE_DOMAIN links to its own subdomain, whatever X-Forwarded-Host a trusted proxy passed on", async () => {
    const t = await boot({
      rootUrl: "https://app.example.org",
      trustForwardedHost: true,
      tenantRouting: { baseDomain: BASE_DOMAIN, defaultSlug: "main" },
    });
    const main = await createTenant(t, { slug: "main" });
    const agent = await createAgent(t, main);
    await resetFrom(main, main.host, agent.email, { "x-forwarded-host": "attacker.example" });
    // The forged host still resolved to the default workspace, whose link is ROOT_URL.
    expect(await linkMailedTo(t, agent.email)).toBe("https://app.example.org");

    const acme = await createTenant(t);
    const other = await createAgent(t, acme);
    await resetFrom(acme, acme.host, other.email, { "x-forwarded-host": acme.host.toUpperCase() });
    expect(await linkMailedTo(t, other.email)).toBe(`https://${acme.host}`);
  });

  it("a workspace with a custom domain links there, even when asked through its subdomain", async () => {
    const t = await boot({});
    const acme = await createTenant(t);
    await t.database.db
      .insert(tenantDomains)
      .values({ tenantId: acme.id, hostname: "support.acme.example", verificationToken: "t", verifiedAt: new Date() });
    const agent = await createAgent(t, acme);
    await resetFrom(acme, acme.host, agent.email);
    // No ROOT_URL: the scheme follows the cookies (plain http in this local setup).
    expect(await linkMailedTo(t, agent.email)).toBe("http://support.acme.example");
  });

  it("the welcome mail of a new agent follows the same rule", async () => {
    const t = await boot({
      rootUrl: "https://help.example.org",
      tenantRouting: { baseDomain: BASE_DOMAIN, defaultSlug: "main" },
    });
    const main = await createTenant(t, { slug: "main" });
    const res = await main.admin.onHost("attacker.example").post("/api/v1/agents", {
      first_name: "Wes",
      email: "wes@example.com",
      roles: ["Agent"],
      send_welcome_email: true,
    });
    expect(res.status).toBe(201);
    expect(await linkMailedTo(t, "wes@example.com")).toBe("https://help.example.org");
  });

  it("an admin's root_url setting still wins", async () => {
    const t = await boot({
      rootUrl: "https://help.example.org",
      tenantRouting: { baseDomain: BASE_DOMAIN, defaultSlug: "main" },
    });
    const main = await createTenant(t, { slug: "main" });
    expect((await main.admin.put("/api/v1/settings/general", { root_url: "https://desk.main.example/" })).status).toBe(
      200,
    );
    const agent = await createAgent(t, main);
    await resetFrom(main, "attacker.example", agent.email);
    expect(await linkMailedTo(t, agent.email)).toBe("https://desk.main.example");
  });
});
