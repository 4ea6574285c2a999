import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { requestExport } from "@helperiq/core/platform/export-jobs";
import { EXPORTED_TABLES, exportPartsPrefix, type ExportResult } from "@helperiq/core/platform/export";
import { MAX_ATTEMPTS, runWorkspaceJobs, type WorkspaceJobDeps } from "@helperiq/core/platform/workspace-jobs";
import { workspaceJobs } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";
import { seedWorkspace } from "../support/workspace-seed.ts";

/**
 * The export resumes: each table is stored as a part file before the next is read, a rerun after a failure
 * reads only the tables not stored yet, and the archive it assembles holds the same entries, byte for byte,
 * as an export that ran at once.
 */

let t: TestApp;
let a: TestTenant;
let deps: WorkspaceJobDeps;
/** Keys the runner stored, in order. */
const puts: string[] = [];

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  await seedWorkspace(t, a);
  deps = {
    db: t.database.db,
    clock: t.clock,
    blobs: {
      ...t.blobs,
      put: async (key, body, type) => {
        puts.push(key);
        await t.blobs.put(key, body, type);
      },
    },
    rateCounter: createMemoryRateCounter(),
    sockets: { closeWorkspace: async () => 0 },
  };
});
afterAll(() => t?.close());

const jobRow = async (id: number) =>
  (await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, id)))[0]!;

/** Every entry of the job's archive: name → bytes (the manifest without its date, which is the job's own). */
async function entries(id: number) {
  const result = (await jobRow(id)).result as ExportResult;
  const zip = await JSZip.loadAsync((await t.blobs.get(result.key))!.body);
  const out = new Map<string, string>();
  for (const [name, file] of Object.entries(zip.files)) {
    if (file.dir) continue;
    const text = Buffer.from(await file.async("uint8array")).toString("base64");
    if (name !== "manifest.json") out.set(name, text);
    else {
      const { created_at: _, ...manifest } = JSON.parse(await file.async("string"));
      out.set(name, JSON.stringify(manifest));
    }
  }
  return out;
}

const parts = (id: number) => t.blobs.list(exportPartsPrefix(id), { limit: 1000 });

describe("a failed export", () => {
  it("resumes from its stored part files, and the archive is complete and identical in content", async () => {
    const whole = await requestExport(deps, a.id, "platform");
    expect(await runWorkspaceJobs(deps)).toMatchObject({ done: 1 });
    const expected = await entries(whole.id);
    expect(expected.size).toBe(EXPORTED_TABLES.length + 2 + 3); // tables, workspace.json, manifest, 3 media files

    const job = await requestExport(deps, a.id, "platform");
    expect(job.id).not.toBe(whole.id);
    const half = Math.floor(EXPORTED_TABLES.length / 2);
    const failing = await runWorkspaceJobs(deps, {
      onProgress: ({ progress }) => {
        if (progress.tables_done === half) throw new Error("the process died");
      },
    });
    expect(failing).toMatchObject({ done: 0, queued: 1 });
    const failed = await jobRow(job.id);
    expect(failed).toMatchObject({ status: "queued", error: "the process died" });
    const stored = (failed.state.export as { parts: Record<string, number> }).parts;
    // (jsonb keeps its own key order)
    expect(Object.keys(stored).sort()).toEqual(
      EXPORTED_TABLES.slice(0, half)
        .map((x) => x.name)
        .sort(),
    );
    expect((await parts(job.id)).length).toBe(half);

    puts.length = 0;
    const seen: number[] = [];
    expect(
      await runWorkspaceJobs(deps, { onProgress: ({ progress }) => void seen.push(Number(progress.tables_done)) }),
    ).toMatchObject({ done: 1 });
    // The rerun went on from the first table not stored: it read and stored only the others.
    expect(seen[0]).toBe(half);
    const partPuts = puts.filter((k) => k.startsWith(exportPartsPrefix(job.id)));
    expect(partPuts).toEqual(EXPORTED_TABLES.slice(half).map((x) => `${exportPartsPrefix(job.id)}${x.name}.ndjson`));
    const done = await jobRow(job.id);
    expect(done).toMatchObject({ status: "done", error: null });
    expect((done.progress as { rows: number }).rows).toBe(
      Object.values((done.state.export as { parts: Record<string, number> }).parts).reduce((n, r) => n + r, 0),
    );
    expect(await entries(job.id)).toEqual(expected);
    expect(await parts(job.id)).toEqual([]);
  });

  it("failing for good leaves no part file behind", async () => {
    const job = await requestExport(deps, a.id, "platform");
    for (let i = 0; i < MAX_ATTEMPTS; i++)
      await runWorkspaceJobs(deps, {
        onProgress: ({ progress }) => {
          if (Number(progress.tables_done) >= 1) throw new Error("the store is full");
        },
      });
    expect(await jobRow(job.id)).toMatchObject({ status: "failed", error: "the store is full" });
    expect(await parts(job.id)).toEqual([]);
  });
});
