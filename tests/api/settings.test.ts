import { mask, unseal } from "@helperiq/core/crypto/secret-box";
import { settings } from "@helperiq/core/schema";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";

const GENERAL = "/api/v1/settings/general";
const EMAIL = "/api/v1/settings/notifications/email";
const SMTP_PASSWORD = "smtp-secret-pass-123";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let generalManager: TestAgent;
let notificationManager: TestAgent;
let plainAgent: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  generalManager = await createAgent(t, a, { permissions: ["general_settings:manage"] });
  notificationManager = await createAgent(t, a, { permissions: ["notification_settings:manage"] });
  plainAgent = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(() => t.close());

const defaultsOf = (tenant: TestTenant) => ({
  site_name: `Workspace ${tenant.slug}`,
  root_url: "",
  timezone: "UTC",
  default_language: "en",
  max_file_upload_size_mb: 25,
  allowed_file_upload_extensions: ["*"],
  logo_url: "",
  favicon_url: "",
});

/** The settings under HelperIQ's names only (GET also answers each under LibreDesk's prefixed name; tests/compat covers those). */
const helperIqKeys = (data: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(data).filter(([key]) => !key.includes(".")));

async function storedSetting(tenant: TestTenant, key: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await t.database.db
    .select({ value: settings.value })
    .from(settings)
    .where(and(eq(settings.tenantId, tenant.id), eq(settings.key, key)));
  return row?.value as Record<string, unknown> | undefined;
}

function expectInputError(res: { status: number; body: any }, field: RegExp) {
  expect(res.status).toBe(400);
  expect(res.body.data.type).toBe("InputError");
  expect(res.body.data.message).toMatch(field);
}

describe("GET and PUT /api/v1/settings/general: happy path", () => {
  it("answers the defaults for a new workspace, with its name as the site name", async () => {
    const tenant = await createTenant(t);
    const res = await tenant.admin.get(GENERAL);
    expect(res.status).toBe(200);
    expect(helperIqKeys(res.body.data)).toEqual(defaultsOf(tenant));
  });

  it("updates only the fields given and keeps the others", async () => {
    const tenant = await createTenant(t);
    const first = await tenant.admin.put(GENERAL, { site_name: "Acme Support", timezone: "Europe/Berlin" });
    expect(first.status).toBe(200);
    expect(helperIqKeys(first.body.data)).toEqual({
      ...defaultsOf(tenant),
      site_name: "Acme Support",
      timezone: "Europe/Berlin",
    });
    await tenant.admin.put(GENERAL, { max_file_upload_size_mb: 10, logo_url: "https://cdn.example.com/logo.png" });
    expect(helperIqKeys((await tenant.admin.get(GENERAL)).body.data)).toEqual({
      ...defaultsOf(tenant),
      site_name: "Acme Support",
      timezone: "Europe/Berlin",
      max_file_upload_size_mb: 10,
      logo_url: "https://cdn.example.com/logo.png",
    });
    expect(await storedSetting(tenant, "general")).toEqual({
      site_name: "Acme Support",
      timezone: "Europe/Berlin",
      max_file_upload_size_mb: 10,
      logo_url: "https://cdn.example.com/logo.png",
    });
  });

  it("normalises the root URL, the time zone's name and the extensions", async () => {
    const res = await a.admin.put(GENERAL, {
      root_url: "https://help.example.com/",
      timezone: "utc",
      allowed_file_upload_extensions: [".PDF", "png", "pdf"],
    });
    expect(res.body.data).toMatchObject({
      root_url: "https://help.example.com",
      timezone: "UTC",
      allowed_file_upload_extensions: ["pdf", "png"],
    });
  });

  it("is what /api/v1/config shows before sign-in", async () => {
    const tenant = await createTenant(t);
    await tenant.admin.put(GENERAL, { site_name: "Help Centre", logo_url: "https://cdn.example.com/help.png" });
    const config = await tenant.anonymous.get("/api/v1/config");
    expect(config.body.data).toMatchObject({
      app_name: "Help Centre",
      logo_url: "https://cdn.example.com/help.png",
      default_language: "en",
    });
  });

  it("keeps both of two concurrent partial updates", async () => {
    const tenant = await createTenant(t);
    await Promise.all([
      tenant.admin.put(GENERAL, { site_name: "Concurrent" }),
      tenant.admin.put(GENERAL, { timezone: "Asia/Tokyo" }),
    ]);
    expect((await tenant.admin.get(GENERAL)).body.data).toMatchObject({
      site_name: "Concurrent",
      timezone: "Asia/Tokyo",
    });
  });
});

describe("settings/general: errors", () => {
  it("rejects an unknown time zone, naming the field", async () => {
    expectInputError(await a.admin.put(GENERAL, { timezone: "Mars/Olympus_Mons" }), /^timezone: /);
    expectInputError(await a.admin.put(GENERAL, { timezone: "" }), /^timezone: /);
  });

  it("rejects URLs that are not http(s)", async () => {
    expectInputError(await a.admin.put(GENERAL, { root_url: "not a url" }), /^root_url: /);
    expectInputError(await a.admin.put(GENERAL, { root_url: "ftp://files.example.com" }), /^root_url: /);
    expectInputError(await a.admin.put(GENERAL, { logo_url: "javascript:alert(1)" }), /^logo_url: /);
    expectInputError(await a.admin.put(GENERAL, { favicon_url: "data:image/png;base64,AAAA" }), /^favicon_url: /);
  });

  it("rejects an upload size outside 1..100 MB or not a whole number", async () => {
    for (const size of [0, 101, 2.5, "25", null]) {
      expectInputError(await a.admin.put(GENERAL, { max_file_upload_size_mb: size }), /^max_file_upload_size_mb: /);
    }
  });

  it("rejects an empty or too long site name, an unknown language and bad extensions", async () => {
    expectInputError(await a.admin.put(GENERAL, { site_name: "  " }), /^site_name: /);
    expectInputError(await a.admin.put(GENERAL, { site_name: "x".repeat(141) }), /^site_name: /);
    expectInputError(await a.admin.put(GENERAL, { default_language: "fr" }), /^default_language: /);
    expectInputError(
      await a.admin.put(GENERAL, { allowed_file_upload_extensions: ["pdf", "exe!"] }),
      /^allowed_file_upload_extensions\[1\]: /,
    );
    expectInputError(
      await a.admin.put(GENERAL, { allowed_file_upload_extensions: [] }),
      /^allowed_file_upload_extensions: /,
    );
  });

  it("stores nothing from a rejected update", async () => {
    const tenant = await createTenant(t);
    await tenant.admin.put(GENERAL, { site_name: "Valid", timezone: "Nowhere/Special" });
    expect(helperIqKeys((await tenant.admin.get(GENERAL)).body.data)).toEqual(defaultsOf(tenant));
  });
});

describe("settings/general: security", () => {
  it("needs credentials and general_settings:manage", async () => {
    expect((await a.anonymous.get(GENERAL)).status).toBe(401);
    for (const agent of [plainAgent, notificationManager]) {
      expect((await agent.client.get(GENERAL)).status).toBe(403);
      expect((await agent.client.put(GENERAL, { site_name: "Taken over" })).status).toBe(403);
    }
    expect((await generalManager.client.put(GENERAL, { site_name: "Managed" })).status).toBe(200);
    expect((await a.admin.get(GENERAL)).body.data.site_name).toBe("Managed");
  });

  it("keeps each workspace's settings to itself", async () => {
    await a.admin.put(GENERAL, { site_name: "Only in A", timezone: "America/New_York" });
    expect(helperIqKeys((await b.admin.get(GENERAL)).body.data)).toEqual(defaultsOf(b));
    expect((await a.admin.onHost(b.host).get(GENERAL)).status).toBe(401);
    expect((await a.admin.onHost(b.host).put(GENERAL, { site_name: "From A" })).status).toBe(401);
    expect((await b.admin.get(GENERAL)).body.data.site_name).toBe(defaultsOf(b).site_name);
  });
});

describe("settings/notifications/email", () => {
  const smtp = {
    enabled: true,
    host: "smtp.example.com",
    port: 465,
    username: "mailer@example.com",
    password: SMTP_PASSWORD,
    max_conns: 3,
    idle_timeout: "30s",
    wait_timeout: "1m",
    auth_protocol: "login",
    email_address: "Support <support@example.com>",
    hello_hostname: "helpdesk.example.com",
    tls_type: "tls",
    tls_skip_verify: false,
  };

  it("answers the defaults, with no password", async () => {
    const tenant = await createTenant(t);
    const res = await tenant.admin.get(EMAIL);
    expect(res.status).toBe(200);
    expect(helperIqKeys(res.body.data)).toEqual({
      enabled: false,
      host: "",
      port: 587,
      username: "",
      password: "",
      max_conns: 5,
      max_msg_retries: 2,
      idle_timeout: "25s",
      wait_timeout: "60s",
      auth_protocol: "plain",
      email_address: "",
      hello_hostname: "",
      tls_type: "starttls",
      tls_skip_verify: false,
    });
  });

  it("stores the password sealed and only ever answers its mask", async () => {
    const tenant = await createTenant(t);
    const saved = await tenant.admin.put(EMAIL, smtp);
    expect(saved.status).toBe(200);
    expect(helperIqKeys(saved.body.data)).toEqual({ max_msg_retries: 2, ...smtp, password: mask(SMTP_PASSWORD) });
    const read = await tenant.admin.get(EMAIL);
    expect(read.body.data.password).toBe(mask(SMTP_PASSWORD));
    expect(JSON.stringify(read.body)).not.toContain(SMTP_PASSWORD);

    const stored = await storedSetting(tenant, "notifications.email");
    expect(JSON.stringify(stored)).not.toContain(SMTP_PASSWORD);
    expect(unseal(t.secrets, stored!.password as string)).toBe(SMTP_PASSWORD);
  });

  it("keeps the stored password when the update sends none, an empty one or the mask", async () => {
    const tenant = await createTenant(t);
    await tenant.admin.put(EMAIL, smtp);
    const sealed = (await storedSetting(tenant, "notifications.email"))!.password;
    await tenant.admin.put(EMAIL, { port: 587 });
    await tenant.admin.put(EMAIL, { ...smtp, password: "" });
    await tenant.admin.put(EMAIL, { ...smtp, password: mask(SMTP_PASSWORD) });
    expect((await storedSetting(tenant, "notifications.email"))!.password).toBe(sealed);

    await tenant.admin.put(EMAIL, { password: "a-new-smtp-password" });
    expect(unseal(t.secrets, (await storedSetting(tenant, "notifications.email"))!.password as string)).toBe(
      "a-new-smtp-password",
    );
  });

  it("needs a host and a sender to be enabled, and stores nothing otherwise", async () => {
    const tenant = await createTenant(t);
    expectInputError(await tenant.admin.put(EMAIL, { enabled: true, email_address: "support@example.com" }), /^host: /);
    expectInputError(await tenant.admin.put(EMAIL, { enabled: true, host: "smtp.example.com" }), /^email_address: /);
    expect((await tenant.admin.get(EMAIL)).body.data.enabled).toBe(false);
    expect(await storedSetting(tenant, "notifications.email")).toBeUndefined();
  });

  it("rejects bad values, naming the field", async () => {
    expectInputError(await a.admin.put(EMAIL, { port: 0 }), /^port: /);
    expectInputError(await a.admin.put(EMAIL, { port: 70000 }), /^port: /);
    expectInputError(await a.admin.put(EMAIL, { auth_protocol: "xoauth2" }), /^auth_protocol: /);
    expectInputError(await a.admin.put(EMAIL, { tls_type: "ssl" }), /^tls_type: /);
    expectInputError(await a.admin.put(EMAIL, { email_address: "not an address" }), /^email_address: /);
    expectInputError(await a.admin.put(EMAIL, { idle_timeout: "soon" }), /^idle_timeout: /);
    expectInputError(await a.admin.put(EMAIL, { host: "smtp example com" }), /^host: /);
    expectInputError(await a.admin.put(EMAIL, { enabled: "yes" }), /^enabled: /);
  });

  it("needs notification_settings:manage, per workspace", async () => {
    expect((await a.anonymous.get(EMAIL)).status).toBe(401);
    expect((await generalManager.client.get(EMAIL)).status).toBe(403);
    expect((await generalManager.client.put(EMAIL, { host: "evil.example.com" })).status).toBe(403);
    expect((await notificationManager.client.put(EMAIL, { ...smtp, host: "smtp.a.example.com" })).status).toBe(200);
    const other = await b.admin.get(EMAIL);
    expect(other.body.data).toMatchObject({ enabled: false, host: "", password: "" });
    expect((await a.admin.onHost(b.host).get(EMAIL)).status).toBe(401);
  });
});
