import { createNotifications } from "@helperiq/core/notification/create";
import { deliverNotification } from "@helperiq/core/notification/deliver";
import { notifications } from "@helperiq/core/notification/notification.sql";
import { settings } from "@helperiq/core/setting/setting.sql";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestTenant } from "../support/factories.ts";

/**
 * Settings as LibreDesk's admin pages read and write them: GET answers every key prefixed (`app.*`,
 * `notification.email.*`) beside HelperIQ's bare names, the forms PUT the prefixed keys back, and a key
 * HelperIQ does not know is a 400 naming it, never a 200 that changes nothing.
 */

const GENERAL = "/api/v1/settings/general";
const EMAIL = "/api/v1/settings/notifications/email";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(() => t.close());

/** What GeneralSettingForm.vue submits: every form field, each key given the `app.` prefix. */
const generalForm = {
  "app.site_name": "Acme Help",
  "app.lang": "en",
  "app.timezone": "Europe/Berlin",
  "app.business_hours_id": "",
  "app.root_url": "https://help.acme.example/",
  "app.favicon_url": "https://cdn.acme.example/favicon.ico",
  "app.logo_url": "https://cdn.acme.example/logo.png",
  "app.max_file_upload_size": 20,
  "app.allowed_file_upload_extensions": ["pdf", "png"],
};

describe("general settings under LibreDesk's app.* keys", () => {
  it("GET answers both names, with the business hours LibreDesk's form shows empty", async () => {
    const res = await b.admin.get(GENERAL);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      site_name: expect.any(String),
      "app.site_name": res.body.data.site_name,
      "app.lang": "en",
      default_language: "en",
      "app.timezone": "UTC",
      "app.max_file_upload_size": 25,
      max_file_upload_size_mb: 25,
      "app.allowed_file_upload_extensions": ["*"],
      "app.root_url": "",
      "app.logo_url": "",
      "app.favicon_url": "",
      "app.business_hours_id": "",
    });
  });

  it("a PUT of the form's prefixed keys is stored, read back under both names and shown by /config", async () => {
    const put = await a.admin.put(GENERAL, generalForm);
    expect(put.status).toBe(200);
    const res = await a.admin.get(GENERAL);
    expect(res.body.data).toMatchObject({
      site_name: "Acme Help",
      "app.site_name": "Acme Help",
      timezone: "Europe/Berlin",
      "app.timezone": "Europe/Berlin",
      root_url: "https://help.acme.example",
      "app.root_url": "https://help.acme.example",
      max_file_upload_size_mb: 20,
      "app.max_file_upload_size": 20,
      allowed_file_upload_extensions: ["pdf", "png"],
      "app.logo_url": "https://cdn.acme.example/logo.png",
    });
    const config = await a.anonymous.get("/api/v1/config");
    expect(config.body.data).toMatchObject({
      app_name: "Acme Help",
      "app.site_name": "Acme Help",
      "app.lang": "en",
      "app.logo_url": "https://cdn.acme.example/logo.png",
      "app.favicon_url": "https://cdn.acme.example/favicon.ico",
      "app.root_url": "https://help.acme.example",
      "app.sso_providers": [],
    });
    // The bare names keep working, and mixing both for different settings is fine.
    expect((await a.admin.put(GENERAL, { site_name: "Acme Support", "app.timezone": "UTC" })).status).toBe(200);
    expect((await a.admin.get(GENERAL)).body.data).toMatchObject({ "app.site_name": "Acme Support", timezone: "UTC" });
  });

  it("refuses unknown keys (prefixed or not), naming them, and stores nothing from that request", async () => {
    const before = (await a.admin.get(GENERAL)).body.data;
    for (const [body, message] of [
      [{ "app.site_name": "Changed", "app.favourite_colour": "blue" }, /^app\.favourite_colour: unknown setting/],
      [{ "app.update": null }, /^app\.update: unknown setting/],
      [{ sitename: "x" }, /^sitename: unknown setting/],
      [{ "notification.email.host": "smtp.example.com" }, /^notification\.email\.host: unknown setting/],
      [{ site_name: "One", "app.site_name": "Other" }, /^app\.site_name: differs from site_name/],
      [{ "app.business_hours_id": "3" }, /^app\.business_hours_id: business hours are not available yet/],
      [{ "app.lang": "de" }, /^app\.lang: must be one of en/],
      [{ "app.max_file_upload_size": 500 }, /^app\.max_file_upload_size:/],
    ] as const) {
      const res = await a.admin.put(GENERAL, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data.type).toBe("InputError");
      expect(res.body.data.message).toMatch(message);
    }
    expect((await a.admin.get(GENERAL)).body.data).toEqual(before);
  });

  it("keeps the permission: a plain agent gets 403 under either name", async () => {
    const agent = await createAgent(t, a, { permissions: ["conversations:read"] });
    expect((await agent.client.put(GENERAL, { "app.site_name": "Taken over" })).status).toBe(403);
    expect((await a.admin.get(GENERAL)).body.data["app.site_name"]).toBe("Acme Support");
  });
});

/** What NotificationSetting.vue submits: every field under `notification.email.`, a masked password as "". */
const emailForm = {
  "notification.email.enabled": true,
  "notification.email.host": "smtp.acme.example",
  "notification.email.port": 587,
  "notification.email.username": "notify",
  "notification.email.password": "s3cret-pass",
  "notification.email.max_conns": 4,
  "notification.email.max_msg_retries": 3,
  "notification.email.idle_timeout": "30s",
  "notification.email.wait_timeout": "45s",
  "notification.email.auth_protocol": "login",
  "notification.email.email_address": "Acme <notify@acme.example>",
  "notification.email.hello_hostname": "acme.example",
  "notification.email.tls_type": "starttls",
  "notification.email.tls_skip_verify": false,
};

describe("notification email settings under LibreDesk's notification.email.* keys", () => {
  it("round-trips the form's prefixed keys; the password is masked under both names and kept when sent back empty", async () => {
    const put = await a.admin.put(EMAIL, emailForm);
    expect(put.status).toBe(200);
    const res = await a.admin.get(EMAIL);
    expect(res.body.data).toMatchObject({
      host: "smtp.acme.example",
      "notification.email.host": "smtp.acme.example",
      "notification.email.max_msg_retries": 3,
      max_msg_retries: 3,
      "notification.email.auth_protocol": "login",
      "notification.email.enabled": true,
    });
    const masked = res.body.data["notification.email.password"];
    expect(masked).toBe(res.body.data.password);
    expect(masked).not.toContain("s3cret");
    expect(masked.length).toBeGreaterThan(0);
    // The UI sends a masked password back as "" and HelperIQ's mask itself is accepted too.
    expect((await a.admin.put(EMAIL, { ...emailForm, "notification.email.password": "" })).status).toBe(200);
    expect((await a.admin.put(EMAIL, { ...emailForm, "notification.email.password": masked })).status).toBe(200);
    const [row] = await t.database.db
      .select({ value: settings.value })
      .from(settings)
      .where(and(eq(settings.tenantId, a.id), eq(settings.key, "notifications.email")));
    const stored = JSON.stringify(row!.value);
    expect(stored).not.toContain("s3cret-pass");
    expect(stored).toContain("smtp.acme.example");
  });

  it("refuses unknown notification keys, naming them", async () => {
    for (const [body, message] of [
      [{ "notification.email.retry_delay": "5s" }, /^notification\.email\.retry_delay: unknown setting/],
      [{ "app.site_name": "x" }, /^app\.site_name: unknown setting/],
      [{ "notification.email.max_msg_retries": 99 }, /^notification\.email\.max_msg_retries:/],
      [{ "notification.email.port": "587" }, /^notification\.email\.port:/],
    ] as const) {
      const res = await a.admin.put(EMAIL, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data.message).toMatch(message);
    }
  });

  it("max_msg_retries bounds how often a failed notification email is tried; then it is given up", async () => {
    const ws = await createTenant(t);
    expect((await ws.admin.put(EMAIL, { ...emailForm, "notification.email.max_msg_retries": 1 })).status).toBe(200);
    const agent = await createAgent(t, ws, { firstName: "Ann" });
    const [row] = await createNotifications(t.database.db, {
      tenantId: ws.id,
      userIds: [agent.id],
      type: "mention",
      title: "Ada mentioned you",
      description: "Look at this",
      actorId: ws.adminId,
    });
    let attempts = 0;
    const failing = {
      db: t.database.db,
      push: t.push,
      mailer: {
        send: async () => {
          attempts++;
          throw new Error("SMTP down");
        },
      },
    };
    // First attempt and one retry fail and ask the queue to try again; after that the email is given up.
    await expect(deliverNotification(failing, ws.id, row!.id)).rejects.toThrow("SMTP down");
    await expect(deliverNotification(failing, ws.id, row!.id)).resolves.toBeUndefined();
    await expect(deliverNotification(failing, ws.id, row!.id)).resolves.toBeUndefined();
    expect(attempts).toBe(2);
    const [stored] = await t.database.db
      .select({ meta: notifications.meta })
      .from(notifications)
      .where(eq(notifications.id, row!.id));
    expect(stored!.meta).toMatchObject({ delivery: { emailed: false, email_failures: 2, email_given_up: true } });
  });
});
