/**
 * LibreDesk's multipart edit forms: `PUT /api/v1/contacts/{id}` (the contact page, with its avatar dialog)
 * and `PUT /api/v1/agents/me` (the profile page, which sends the cropped picture as `files`), and
 * `PUT /contacts/{id}/block` with LibreDesk's `{enabled}`. Every field sent is applied or refused with a 400
 * naming it: a 200 that changes nothing never happens. Avatars are media (core/media/avatar.ts), served at
 * the user's `avatar_url` to anyone while in use, released to the orphan cleanup when replaced or removed.
 */
import { media, users } from "@helperiq/core/schema";
import { deleteOrphanUploads } from "@helperiq/core/media/cleanup";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import { createAgent, createContact, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { expectError } from "./routes-support.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let editor: TestAgent;
let blocker: TestAgent;

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
const db = () => t.database.db;

/** A multipart body as the UI's FormData builds it. */
function form(
  fields: Record<string, string | Blob>,
  file?: { name: string; bytes: Uint8Array | string; type: string },
) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  if (file) body.append("files", new File([file.bytes], file.name, { type: file.type }));
  return body;
}
const png = { name: "avatar.png", bytes: PNG, type: "image/png" };
const put = (client: Client, path: string, body: FormData) => client.request("PUT", path, body);
const mediaRow = async (url: string) =>
  (
    await db()
      .select()
      .from(media)
      .where(eq(media.uuid, url.split("/").pop()!))
  )[0];

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  editor = await createAgent(t, a, { permissions: ["contacts:read", "contacts:read_all", "contacts:write"] });
  blocker = await createAgent(t, a, { permissions: ["contacts:read", "contacts:write", "contacts:block"] });
});
afterAll(() => t.close());

describe("PUT /api/v1/contacts/{id} as LibreDesk's multipart form", () => {
  it("applies the form's fields; the phone as calling code + number; fields it never had ('undefined') are left alone", async () => {
    const contact = await createContact(t, a, { firstName: "Casey" });
    await db().update(users).set({ phone: "+44 20 7946 0000" }).where(eq(users.id, contact.id));
    const res = await put(
      editor.client,
      `/api/v1/contacts/${contact.id}`,
      form({
        first_name: "Casey",
        last_name: "Customer-Jones",
        email: "casey.new@example.org",
        phone_number: "undefined",
        phone_number_country_code: "undefined",
        enabled: "true",
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      first_name: "Casey",
      last_name: "Customer-Jones",
      email: "casey.new@example.org",
      phone: "+44 20 7946 0000",
      enabled: true,
    });
    const phoned = await put(
      editor.client,
      `/api/v1/contacts/${contact.id}`,
      form({ phone_number: "0400000000", phone_number_calling_code: "61" }),
    );
    expect(phoned.body.data.phone).toBe("+61 0400000000");
    const cleared = await put(
      editor.client,
      `/api/v1/contacts/${contact.id}`,
      form({ phone_number: "null", last_name: "" }),
    );
    expect(cleared.body.data).toMatchObject({ phone: null, last_name: "" });
    expect((await editor.client.get(`/api/v1/contacts/${contact.id}`)).body.data).toMatchObject({
      email: "casey.new@example.org",
      phone: null,
    });
  });

  it("stores the picture in `files` as the avatar, served at avatar_url to anyone; a new one replaces it, `files: null` removes it", async () => {
    const contact = await createContact(t, a);
    const first = await put(
      editor.client,
      `/api/v1/contacts/${contact.id}`,
      form({ first_name: "Pic", enabled: "true" }, png),
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const url: string = first.body.data.avatar_url;
    expect(url).toMatch(/^\/uploads\/[0-9a-f-]{36}$/);
    // Anyone on the workspace's host may fetch a picture in use (widget visitors see agents' avatars).
    const served = await a.anonymous.get(url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect((await a.anonymous.onHost(b.host).get(url)).status).toBe(404);
    // Sent back unchanged with the form, the avatar stays.
    expect(
      (await put(editor.client, `/api/v1/contacts/${contact.id}`, form({ avatar_url: url, last_name: "Same" }))).body
        .data.avatar_url,
    ).toBe(url);

    const second = await put(editor.client, `/api/v1/contacts/${contact.id}`, form({ first_name: "Pic" }, png));
    const replaced: string = second.body.data.avatar_url;
    expect(replaced).not.toBe(url);
    expect((await mediaRow(url))!.expiresAt).not.toBeNull();
    expect((await a.anonymous.get(url)).status).toBe(404);
    expect((await mediaRow(replaced))!.expiresAt).toBeNull();

    const removed = await put(
      editor.client,
      `/api/v1/contacts/${contact.id}`,
      form({ files: "null", first_name: "Pic" }),
    );
    expect(removed.body.data.avatar_url).toBeNull();
    expect((await a.anonymous.get(replaced)).status).toBe(404);
    // The released pictures go with the orphan cleanup, bytes included.
    const cleaned = await deleteOrphanUploads(db(), t.blobs, new Date(t.clock.now().getTime() + 1000));
    expect(cleaned.deleted).toBeGreaterThanOrEqual(2);
    expect(await mediaRow(url)).toBeUndefined();
    expect(await mediaRow(replaced)).toBeUndefined();
  });

  it("a bad field is a 400 naming it, and nothing changes", async () => {
    const contact = await createContact(t, a, { firstName: "Stable" });
    const path = `/api/v1/contacts/${contact.id}`;
    expectError(await put(editor.client, path, form({ first_name: "" })), 400, /^first_name: required/);
    expectError(await put(editor.client, path, form({ email: "nope" })), 400, /^email: /);
    expectError(await put(editor.client, path, form({ phone_number: "call me" })), 400, /^phone_number: /);
    expectError(
      await put(editor.client, path, form({ phone_number: "0400000000", phone_number_calling_code: "AU" })),
      400,
      /^phone_number_calling_code: /,
    );
    expectError(
      await put(editor.client, path, form({ phone: "+61 4", phone_number: "0400000000" })),
      400,
      /^phone_number: give phone or phone_number/,
    );
    expectError(await put(editor.client, path, form({ enabled: "maybe" })), 400, /^enabled: /);
    expectError(await put(editor.client, path, form({ nickname: "Stabby" })), 400, /nickname/);
    expectError(
      await put(editor.client, path, form({ avatar_url: "/uploads/00000000-0000-4000-8000-000000000000" })),
      400,
      /^avatar_url: /,
    );
    expectError(await put(editor.client, path, form({})), 400, /nothing to update/);
    expectError(
      await put(
        editor.client,
        path,
        form(
          { first_name: "Pic" },
          { name: "avatar.svg", bytes: "<svg xmlns='http://www.w3.org/2000/svg'/>", type: "image/svg+xml" },
        ),
      ),
      400,
      /^files: must be a PNG, JPEG, GIF or WebP image/,
    );
    expectError(
      await put(
        editor.client,
        path,
        form({ first_name: "Pic" }, { name: "big.png", bytes: new Uint8Array(3 * 1024 * 1024), type: "image/png" }),
      ),
      400,
      /^files: larger than/,
    );
    expect((await editor.client.get(path)).body.data).toMatchObject({
      first_name: "Stable",
      avatar_url: null,
      blocked: false,
    });
  });

  it("`enabled` blocks or unblocks only with contacts:block", async () => {
    const contact = await createContact(t, a);
    const path = `/api/v1/contacts/${contact.id}`;
    expectError(await put(editor.client, path, form({ enabled: "false" })), 403, /^enabled: /);
    expect((await put(editor.client, path, form({ enabled: "true", last_name: "Kept" }))).status).toBe(200);
    expect((await put(blocker.client, path, form({ enabled: "false" }))).body.data).toMatchObject({
      blocked: true,
      enabled: false,
    });
  });

  it("another workspace's contact is a 404 and keeps no picture", async () => {
    const theirs = await createContact(t, b);
    const before = (await db().select().from(media).where(eq(media.tenantId, a.id))).length;
    expectError(await put(editor.client, `/api/v1/contacts/${theirs.id}`, form({ first_name: "X" }, png)), 404);
    expect((await db().select().from(media).where(eq(media.tenantId, a.id))).length).toBe(before);
    expect((await db().select().from(users).where(eq(users.id, theirs.id)))[0]!.avatarUrl).toBeNull();
  });

  it("HelperIQ's JSON form still works", async () => {
    const contact = await createContact(t, a);
    const res = await editor.client.put(`/api/v1/contacts/${contact.id}`, {
      last_name: "Json",
      avatar_url: "https://cdn.example.org/a.png",
    });
    expect(res.body.data).toMatchObject({ last_name: "Json", avatar_url: "https://cdn.example.org/a.png" });
    expectError(await editor.client.put(`/api/v1/contacts/${contact.id}`, {}), 400, /nothing to update/);
  });
});

describe("PUT /api/v1/contacts/{id}/block", () => {
  it("takes LibreDesk's {enabled} and HelperIQ's {blocked}; both at once must agree", async () => {
    const contact = await createContact(t, a);
    const path = `/api/v1/contacts/${contact.id}/block`;
    expect((await blocker.client.put(path, { enabled: false })).body.data).toMatchObject({
      blocked: true,
      enabled: false,
    });
    expect((await blocker.client.put(path, { enabled: true })).body.data).toMatchObject({
      blocked: false,
      enabled: true,
    });
    expect((await blocker.client.put(path, { blocked: true })).body.data).toMatchObject({ blocked: true });
    expect((await blocker.client.put(path, { blocked: false, enabled: true })).body.data).toMatchObject({
      blocked: false,
    });
    expectError(await blocker.client.put(path, { blocked: true, enabled: true }), 400, /^enabled: contradicts blocked/);
    expectError(await blocker.client.put(path, {}), 400, /^blocked: required \(or enabled\)/);
    expectError(await blocker.client.put(path, { enabled: "no" }), 400, /^enabled: /);
    expectError(await editor.client.put(path, { enabled: false }), 403);
    expectError(
      await blocker.client.put(`/api/v1/contacts/${(await createContact(t, b)).id}/block`, { enabled: false }),
      404,
    );
  });
});

describe("PUT /api/v1/agents/me as LibreDesk's multipart form", () => {
  it("applies the name and the avatar in `files`; the email only unchanged", async () => {
    const me = await createAgent(t, a, { firstName: "Ada" });
    const res = await put(
      me.client,
      "/api/v1/agents/me",
      form({ first_name: "Ada", last_name: "Admiral", email: me.email.toUpperCase() }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await me.client.get("/api/v1/agents/me")).body.data).toMatchObject({
      first_name: "Ada",
      last_name: "Admiral",
      email: me.email,
    });
    expectError(
      await put(me.client, "/api/v1/agents/me", form({ email: "someone.else@example.com" })),
      400,
      /^email: /,
    );

    const pictured = await put(me.client, "/api/v1/agents/me", form({}, png));
    const url: string = pictured.body.data.avatar_url;
    expect(url).toMatch(/^\/uploads\/[0-9a-f-]{36}$/);
    expect((await a.anonymous.get(url)).status).toBe(200);
    // The agent lists show it too.
    const compact = (await me.client.get("/api/v1/agents/compact")).body.data.find(
      (x: { id: number }) => x.id === me.id,
    );
    expect(compact.avatar_url).toBe(url);
    // DELETE /agents/me/avatar releases it.
    expect((await me.client.delete("/api/v1/agents/me/avatar")).body.data.avatar_url).toBeNull();
    expect((await mediaRow(url))!.expiresAt).not.toBeNull();
    expect((await a.anonymous.get(url)).status).toBe(404);
  });

  it("a bad field is a 400 naming it, and nothing changes", async () => {
    const me = await createAgent(t, a, { firstName: "Bea" });
    expectError(await put(me.client, "/api/v1/agents/me", form({})), 400, /^files: nothing to update/);
    expectError(await put(me.client, "/api/v1/agents/me", form({ first_name: "" })), 400, /^first_name: required/);
    expectError(await put(me.client, "/api/v1/agents/me", form({ availability: "online" })), 400, /availability/);
    expectError(
      await put(me.client, "/api/v1/agents/me", form({}, { name: "notes.txt", bytes: "hello", type: "image/png" })),
      400,
      /^files: must be/,
    );
    expect((await me.client.get("/api/v1/agents/me")).body.data).toMatchObject({ first_name: "Bea", avatar_url: null });
  });

  it("HelperIQ's JSON form still works", async () => {
    const me = await createAgent(t, a);
    expect((await me.client.put("/api/v1/agents/me", { last_name: "Json" })).body.data.last_name).toBe("Json");
  });
});
