import { systemCtx } from "@helperiq/core/context/index";
import { createImportJob, MAX_IMPORT_BYTES } from "@helperiq/core/import/index";
import { importJobs } from "@helperiq/core/schema";
import { tagImport } from "@helperiq/core/tag/import";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read_all"] });
});
afterAll(() => t.close());

const tagNames = async (tenant: TestTenant) =>
  (await tenant.admin.get("/api/v1/tags")).body.data.map((x: { name: string }) => x.name);
const status = async (tenant: TestTenant) => (await tenant.admin.get("/api/v1/tags/import/status")).body.data;

describe("tag import", () => {
  it("has no status before the first import", async () => {
    const res = await a.admin.get("/api/v1/tags/import/status");
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
  });

  it("imports in the background and reports completed and errored rows without aborting good ones", async () => {
    await a.admin.post("/api/v1/tags", { name: "existing" });
    const csv = [
      "Name",
      "billing",
      "  shipping  ",
      "",
      "EXISTING",
      "x".repeat(65),
      "billing",
      '"quoted, with comma"',
    ].join("\n");
    const res = await a.admin.upload("/api/v1/tags/import", csv);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ kind: "tags", status: "queued", total: 6 });
    await t.queue.drain();
    const job = await status(a);
    expect(job).toMatchObject({ status: "completed", total: 6, completed: 3, errored: 3 });
    expect(job.errors).toEqual([
      { row: 5, message: 'name: a tag named "EXISTING" already exists' },
      { row: 6, message: "name: longer than 64 characters" },
      { row: 7, message: 'name: a tag named "billing" already exists' },
    ]);
    expect(job.finished_at).not.toBeNull();
    expect(await tagNames(a)).toEqual(["billing", "existing", "quoted, with comma", "shipping"]);
    expect(await tagNames(b)).toEqual([]);
  });

  it("resumes a run that died half way without repeating or losing rows", async () => {
    const res = await a.admin.upload("/api/v1/tags/import", "name\nr1\nr2\nr3\nr4");
    const jobId = res.body.data.id;
    await t.queue.drain();
    // Simulate a crash after two rows: rewind the job to "running with 2 processed" and drop the later tags.
    await t.database.db
      .update(importJobs)
      .set({ status: "running", processed: 2, completed: 2, payload: "name\nr1\nr2\nr3\nr4" })
      .where(eq(importJobs.id, jobId));
    const { tags } = await import("@helperiq/core/schema");
    const { inArray } = await import("drizzle-orm");
    await t.database.db.delete(tags).where(inArray(tags.name, ["r3", "r4"]));
    await t.queue.send({ type: "import.run", tenantId: a.id, jobId });
    await t.queue.send({ type: "import.run", tenantId: a.id, jobId }); // a duplicate delivery
    await t.queue.drain();
    expect(await status(a)).toMatchObject({ id: jobId, status: "completed", total: 4, completed: 4, errored: 0 });
    expect((await tagNames(a)).filter((n: string) => n.startsWith("r"))).toEqual(["r1", "r2", "r3", "r4"]);
  });

  it("rejects bad uploads with a 400 naming the file and creates no job", async () => {
    const before = (await status(a)).id;
    const cases: [string | Uint8Array, RegExp][] = [
      ["", /^file: no data rows/],
      ["name\n", /^file: no data rows/],
      ["label\nfoo", /^file: missing column "name"/],
      ['name\n"unterminated', /^file: not valid CSV/],
    ];
    for (const [content, message] of cases) {
      const res = await a.admin.upload("/api/v1/tags/import", content);
      expect(res.status).toBe(400);
      expect(res.body.data).toMatchObject({ type: "InputError", message: expect.stringMatching(message) });
    }
    const notMultipart = await a.admin.post("/api/v1/tags/import", { name: "x" });
    expect(notMultipart.body.data.message).toMatch(/^file: /);
    // Over the import cap, streamed without a Content-Length: stopped while it arrives, not buffered first.
    const form = new FormData();
    form.append("file", new File([`name\n${"x".repeat(MAX_IMPORT_BYTES + 100_000)}`], "big.csv", { type: "text/csv" }));
    const encoded = new Response(form);
    const big = await t.app.request(`http://${a.host}/api/v1/tags/import`, {
      method: "POST",
      headers: {
        host: a.host,
        authorization: `Bearer ${a.admin.creds.bearer}`,
        "content-type": encoded.headers.get("content-type")!,
      },
      body: encoded.body,
      duplex: "half",
    } as RequestInit);
    expect(big.status).toBe(400);
    expect(((await big.json()) as { data: { message: string } }).data.message).toBe(
      "file: larger than the limit of 2 MB",
    );
    expect((await status(a)).id).toBe(before);
  });

  it("refuses a second import while one is queued or running", async () => {
    // Queued but not yet delivered: the state an upload is in until a worker picks it up.
    const ctx = systemCtx({ ...t.jobs, queue: { send: async () => undefined } }, b.id);
    const job = await createImportJob(ctx, "tags", tagImport, "name\none\ntwo");
    const again = await b.admin.upload("/api/v1/tags/import", "name\nthree");
    expect(again.status).toBe(400);
    expect(again.body.data.message).toMatch(/already running/);
    await t.queue.send({ type: "import.run", tenantId: b.id, jobId: job.id });
    await t.queue.drain();
    expect(await tagNames(b)).toEqual(["one", "two"]);
    expect((await b.admin.upload("/api/v1/tags/import", "name\nthree")).status).toBe(202);
    await t.queue.drain();
  });

  it("needs tags:manage and never shows another workspace's import", async () => {
    expect((await agent.client.upload("/api/v1/tags/import", "name\nx")).status).toBe(403);
    expect((await agent.client.get("/api/v1/tags/import/status")).status).toBe(403);
    expect((await a.anonymous.get("/api/v1/tags/import/status")).status).toBe(401);
    const fresh = await createTenant(t);
    expect((await fresh.admin.get("/api/v1/tags/import/status")).body.data).toBeNull();
  });
});
