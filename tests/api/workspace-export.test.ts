import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { seal } from "@helperiq/core/crypto/secret-box";
import { CREDENTIAL_TABLES, EXPORTED_TABLES, SECRET_COLUMNS } from "@helperiq/core/platform/export";
import { runWorkspaceJobs, type WorkspaceJobDeps } from "@helperiq/core/platform/workspace-jobs";
import { TENANT_TABLES } from "@helperiq/core/tenant-tables";
import { apiKeys, inboxes, oidcProviders, settings, tenants, users, workspaceJobs } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createAgent, createInbox, createTenant, type TestTenant } from "../support/factories.ts";
import { countTenantRows, seedWorkspace } from "../support/workspace-seed.ts";

/**
 * The workspace admin's data export: one zip (NDJSON per tenant-owned table, media files, a manifest) written by
 * the workspace-jobs runner, no secret in clear, downloaded through a signed, expiring link of its own workspace.
 */

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let deps: WorkspaceJobDeps;
let op: Client;
const PLATFORM_KEY = "platform-key-export-0123456789abcdef0123456789";
const SEALED_IMAP = "imap-password-never-exported";
const OIDC_SECRET = "oidc-client-secret-never-exported";

beforeAll(async () => {
  t = await bootTestApp({ platform: { apiKey: PLATFORM_KEY } });
  op = new Client(t, BASE_DOMAIN, { bearer: PLATFORM_KEY });
  a = await createTenant(t);
  b = await createTenant(t);
  await seedWorkspace(t, a);
  await seedWorkspace(t, b);
  const db = t.database.db;
  const inbox = await createInbox(t, a, { name: "Sealed" });
  await db
    .update(inboxes)
    .set({ secrets: seal(t.secrets, JSON.stringify({ imap: SEALED_IMAP })) })
    .where(eq(inboxes.id, inbox.id));
  await db.insert(settings).values({
    tenantId: a.id,
    key: "notification.email",
    value: { host: "smtp.example.com", password: seal(t.secrets, SEALED_IMAP) },
  } as never);
  await db.insert(oidcProviders).values({
    tenantId: a.id,
    name: "SSO",
    providerUrl: "https://sso.example.com",
    clientId: "helperiq",
    clientSecret: seal(t.secrets, OIDC_SECRET),
  } as never);
  deps = {
    db,
    clock: t.clock,
    blobs: t.blobs,
    rateCounter: createMemoryRateCounter(),
    sockets: { closeWorkspace: async () => 0 },
  };
});
afterAll(() => t?.close());

async function download(tenant: TestTenant, url: string, bearer = tenant.admin.creds.bearer!) {
  return t.app.request(`http://${tenant.host}${url}`, {
    headers: { host: tenant.host, authorization: `Bearer ${bearer}` },
  });
}

describe("the workspace admin's export", () => {
  let jobId: number;
  let url: string;
  let zip: JSZip;

  it("needs general_settings:manage", async () => {
    const agent = await createAgent(t, a, { permissions: ["conversations:read"] });
    expect((await agent.client.post("/api/v1/export")).status).toBe(403);
    expect((await a.anonymous.post("/api/v1/export")).status).toBe(401);
  });

  it("is queued (202), one at a time, then written by the runner with its progress", async () => {
    const res = await a.admin.post("/api/v1/export");
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ kind: "export", workspace: a.slug, status: "queued", download_url: null });
    jobId = res.body.data.id;
    expect((await a.admin.post("/api/v1/export")).body.data.id).toBe(jobId);
    const seen: number[] = [];
    expect(
      await runWorkspaceJobs(deps, { onProgress: (p) => void seen.push(Number(p.progress.percent)) }),
    ).toMatchObject({ done: 1 });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(100);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    const view = (await a.admin.get(`/api/v1/export/${jobId}`)).body.data;
    expect(view).toMatchObject({ status: "done", progress: { percent: 100, tables_total: EXPORTED_TABLES.length } });
    expect(view.size).toBeGreaterThan(0);
    expect(view.download_url).toMatch(
      new RegExp(`^/api/v1/export/${jobId}/download\\?expires=\\d+&signature=[\\w-]{43}$`),
    );
    url = view.download_url;
    expect((await a.admin.get("/api/v1/export")).body.data.map((j: { id: number }) => j.id)).toEqual([jobId]);
    // Stored outside the workspace's prefix, so the archive outlives a purge of its workspace.
    const [row] = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, jobId));
    expect((row!.result as { key: string }).key).toMatch(/^exports\//);
  });

  it("GET /api/v1/export/:id/download: one zip with every tenant-owned table as NDJSON, the media bytes and a manifest", async () => {
    const res = await download(a, url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toContain(`${a.slug}-export-`);
    zip = await JSZip.loadAsync(new Uint8Array(await res.arrayBuffer()));
    const names = Object.keys(zip.files);
    for (const table of TENANT_TABLES)
      expect(names.includes(`tables/${table.name}.ndjson`), table.name).toBe(!CREDENTIAL_TABLES.has(table.name));
    const counts = await countTenantRows(t, a.id);
    for (const table of EXPORTED_TABLES) {
      const text = await zip.file(`tables/${table.name}.ndjson`)!.async("string");
      const rows = text
        ? text
            .trimEnd()
            .split("\n")
            .map((l) => JSON.parse(l))
        : [];
      expect(rows.length, table.name).toBe(counts[table.name]);
      for (const row of rows) expect(row.tenant_id).toBe(a.id);
    }
    const media = names.filter((n) => n.startsWith("media/") && !n.endsWith("/"));
    expect(media.length).toBe(3);
    expect(await zip.file(media.find((n) => n.endsWith("scan-0.txt"))!)!.async("string")).toBe(
      `attachment 0 of ${a.slug}`,
    );
    const manifest = JSON.parse(await zip.file("manifest.json")!.async("string"));
    expect(manifest).toMatchObject({ format: "helperiq-workspace-export", workspace: { slug: a.slug } });
    expect(JSON.parse(await zip.file("workspace.json")!.async("string"))).toMatchObject({ id: a.id, slug: a.slug });
  });

  it("holds no secret in clear and nothing of another workspace", async () => {
    let all = "";
    for (const file of Object.values(zip.files)) if (!file.dir) all += await file.async("string");
    expect(all).not.toContain(b.slug);
    expect(all).not.toMatch(/\$argon2/);
    expect(all).not.toMatch(/"v1\.[\w-]+\.[\w-]{16}\.[\w-]+"/);
    const [hash] = await t.database.db.select({ h: apiKeys.keyHash }).from(apiKeys).where(eq(apiKeys.tenantId, a.id));
    expect(all).not.toContain(hash!.h);
    const [admin] = await t.database.db.select({ p: users.passwordHash }).from(users).where(eq(users.id, a.adminId));
    expect(all).not.toContain(admin!.p!);
    const user = (await zip.file("tables/users.ndjson")!.async("string"))
      .split("\n")
      .map((l) => l && JSON.parse(l))
      .find((u) => u && u.id === a.adminId);
    expect(user.password_hash).toBe("••••••••");
    expect(user.email).toBe(a.adminEmail);
  });

  it("masks every column whose name says credential, or leaves its table out", () => {
    // A new column named like a secret fails here until it is masked or known to be harmless.
    const harmless = new Set([
      "rag_documents.content_hash",
      "custom_attributes.key",
      "settings.key",
      "media.storage_key",
      "rag_documents.document_key",
      "statuses.system_key",
      "inbox_mail_state.poll_token",
    ]);
    for (const table of EXPORTED_TABLES)
      for (const column of getTableConfig(table.table).columns) {
        const name = `${table.name}.${column.name}`;
        if (/hash|secret|token|password|key/.test(column.name) && !harmless.has(name))
          expect(SECRET_COLUMNS.has(name), name).toBe(true);
      }
  });

  it("is not reachable from another workspace, with a bad or expired link, nor once expired", async () => {
    expect((await b.admin.get(`/api/v1/export/${jobId}`)).status).toBe(404);
    expect((await download(b, url)).status).toBe(404);
    expect((await download(a, url.replace(/signature=.{5}/, "signature=AAAAA"))).status).toBe(404);
    expect(
      (
        await download(
          a,
          url.replace(/expires=\d+/, (m) => `expires=${Number(m.slice(8)) + 1}`),
        )
      ).status,
    ).toBe(404);
    expect((await download(a, `/api/v1/export/${jobId}/download`)).status).toBe(404);
    t.clock.advance(3601 * 1000);
    expect((await download(a, url)).status).toBe(404);
    // A fresh link works until the archive's own expiry; then the sweep removes it.
    expect((await download(a, (await a.admin.get(`/api/v1/export/${jobId}`)).body.data.download_url)).status).toBe(200);
    t.clock.advance(8 * 24 * 3600 * 1000);
    expect((await a.admin.get(`/api/v1/export/${jobId}`)).body.data.download_url).toBeNull();
    expect(await runWorkspaceJobs(deps)).toMatchObject({ archives_removed: 1 });
    const [row] = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, jobId));
    expect(await t.blobs.get((row!.result as { key: string }).key)).toBeUndefined();
  });
});

describe("the operator's export (platform API)", () => {
  it("is requested for a workspace (202), followed, and downloaded with the key and a signed link (GET /platform/v1/exports/:id/download); then outlives the workspace's purge", async () => {
    expect((await op.post("/platform/v1/workspaces/no-such-workspace/export")).status).toBe(404);
    expect((await op.with({}).post(`/platform/v1/workspaces/${b.slug}/export`)).status).toBe(401);
    const res = await op.post(`/platform/v1/workspaces/${b.slug}/export`);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ kind: "export", workspace: b.slug, status: "queued" });
    const id = res.body.data.id;
    expect(await runWorkspaceJobs(deps)).toMatchObject({ done: 1 });
    const view = (await op.get(`/platform/v1/exports/${id}`)).body.data;
    expect(view.status).toBe("done");
    expect(view.download_url).toMatch(new RegExp(`^/platform/v1/exports/${id}/download\\?expires=`));
    const get = (url: string, bearer?: string) =>
      t.app.request(`http://${BASE_DOMAIN}${url}`, {
        headers: { host: BASE_DOMAIN, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      });
    expect((await get(view.download_url)).status).toBe(401);
    const ok = await get(view.download_url, PLATFORM_KEY);
    expect(ok.status).toBe(200);
    const zip = await JSZip.loadAsync(new Uint8Array(await ok.arrayBuffer()));
    expect(JSON.parse(await zip.file("workspace.json")!.async("string")).slug).toBe(b.slug);
    // Another workspace's admin does not find it on their own routes.
    expect((await a.admin.get(`/api/v1/export/${id}`)).status).toBe(404);
    // Purged: the archive, stored outside the workspace's prefix, still downloads.
    await t.database.db.update(tenants).set({ status: "deleting" }).where(eq(tenants.id, b.id));
    await t.database.db
      .insert(workspaceJobs)
      .values({ tenantId: b.id, tenantSlug: b.slug, kind: "purge", requestedBy: "platform" });
    expect(await runWorkspaceJobs(deps)).toMatchObject({ done: 1 });
    expect((await countTenantRows(t, b.id)).tenants).toBe(0);
    const fresh = (await op.get(`/platform/v1/exports/${id}`)).body.data.download_url;
    expect((await get(fresh, PLATFORM_KEY)).status).toBe(200);
  });
});
