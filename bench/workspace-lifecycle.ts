import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { storeMedia } from "@helperiq/core/media/store";
import { EXPORTED_TABLES } from "@helperiq/core/platform/export";
import { workspaceBlobPrefix } from "@helperiq/core/platform/purge";
import { TENANT_TABLES } from "@helperiq/core/tenant-tables";
import { runWorkspaceJobs, type WorkspaceJobDeps } from "@helperiq/core/platform/workspace-jobs";
import { systemClock } from "@helperiq/core/port/index";
import { messages, tenants, workspaceJobs } from "@helperiq/core/schema";
import { and, eq, sql } from "drizzle-orm";
import pg from "pg";
import { createDatabase, PG_BINDIR, startPostgres } from "../tests/support/postgres-server.ts";
import { seedConversations, type SeedScale } from "./seed-conversations.ts";

/** Attachments of the big workspace: bytes the export packs and the purge deletes. */
const MEDIA_FILES = 200;

/**
 * Issue 16's figures: a workspace of 10k conversations and 100k messages (plus 200 attachments and two small
 * workspaces) on the PostgreSQL server; how long its export (the zip of every table and file) and its purge
 * (every tenant-owned row and blob, resumable batches) take through the workspace-jobs runner, and that the
 * purge leaves nothing. BENCH_WORKSPACE_CONVERSATIONS scales it down for a quick look.
 *
 * Each figure stands beside its raw-SQL baseline from the same run and database. Export: the same tables of
 * the same workspace read by `COPY (SELECT * … WHERE tenant_id = $1) TO STDOUT` (psql) and by a plain
 * `SELECT *` per table through node-postgres, with no JSON, zip or media. Purge: a second workspace seeded
 * like the first ("twin") emptied by one `DELETE … WHERE tenant_id = $1` per table in the purge's FK-safe
 * order and the tenants row, in one transaction. The purge runs first, while the twin's rows are still there;
 * the baseline follows a VACUUM ANALYZE, so it meets the same table sizes without the purge's dead rows.
 */
export async function benchWorkspaceLifecycle(log: (line: string) => void = console.log) {
  const size = Number(process.env.BENCH_WORKSPACE_CONVERSATIONS ?? 10_000);
  const scale: SeedScale = { conversations: size, messagesPerConversation: 10, otherTenants: 2 };
  const server = await startPostgres();
  const url = await createDatabase(server.url, "bench_workspace");
  const database = openNodePostgres(url, { max: 4 });
  const mediaDir = mkdtempSync(path.join(tmpdir(), "hq-bench-workspace-"));
  const blobs = createFilesystemBlobStore(mediaDir);
  try {
    await database.migrate();
    log(`seeding ${size} conversations × ${scale.messagesPerConversation} messages…`);
    const { tenantId } = await seedConversations(database.db, scale, log);
    log("seeding the twin workspace for the purge's baseline…");
    const { tenantId: twinId } = await seedConversations(database.db, { ...scale, otherTenants: 0 }, log, "twin");
    const db = database.db;
    for (const owner of [tenantId, twinId]) {
      const held = await db
        .select({ id: messages.id })
        .from(messages)
        .where(eq(messages.tenantId, owner))
        .limit(MEDIA_FILES);
      for (const [i, m] of held.entries()) {
        await storeMedia(db, blobs, {
          tenantId: owner,
          filename: `invoice-${i}.txt`,
          contentType: "text/plain",
          bytes: new TextEncoder().encode(`invoice ${i} `.repeat(200)),
          messageId: m.id,
        });
      }
    }
    const deps: WorkspaceJobDeps = {
      db,
      clock: systemClock,
      blobs,
      rateCounter: createMemoryRateCounter(),
      sockets: { closeWorkspace: async () => 0 },
    };
    const rowsOf = async (owner: number) => {
      let n = 0;
      for (const { name } of TENANT_TABLES) {
        const [row] = (
          (await db.execute(
            sql`SELECT count(*)::int AS n FROM ${sql.identifier(name)} WHERE tenant_id = ${owner}`,
          )) as unknown as { rows: { n: number }[] }
        ).rows;
        n += Number(row!.n);
      }
      return n;
    };
    const rowsBefore = await rowsOf(tenantId);
    const twinRows = await rowsOf(twinId);
    if (twinRows !== rowsBefore) throw new Error(`the twin holds ${twinRows} rows, the workspace ${rowsBefore}`);
    const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));

    const [exportJob] = await db
      .insert(workspaceJobs)
      .values({ tenantId, tenantSlug: "big", kind: "export", requestedBy: "bench" })
      .returning();
    let started = performance.now();
    await runWorkspaceJobs(deps);
    const exportMs = performance.now() - started;
    const [exported] = await db.select().from(workspaceJobs).where(eq(workspaceJobs.id, exportJob!.id));
    if (exported!.status !== "done") throw new Error(`export ${exported!.status}: ${exported!.error}`);
    const archive = exported!.result as { size: number; files: unknown[] };
    log(`export: ${(exportMs / 1000).toFixed(1)} s, ${archive.size} bytes`);

    started = performance.now();
    const copyBytes = await copyOut(
      url,
      EXPORTED_TABLES.map(
        (t) => `COPY (SELECT * FROM ${pg.escapeIdentifier(t.name)} WHERE tenant_id = ${tenantId}) TO STDOUT;`,
      ),
    );
    const copyMs = performance.now() - started;
    started = performance.now();
    let selectRows = 0;
    for (const t of EXPORTED_TABLES)
      selectRows += (
        await database.pool.query(`SELECT * FROM ${pg.escapeIdentifier(t.name)} WHERE tenant_id = $1`, [tenantId])
      ).rowCount!;
    const selectMs = performance.now() - started;
    log(
      `export baselines: COPY ${(copyMs / 1000).toFixed(1)} s (${copyBytes} bytes), SELECT ${(selectMs / 1000).toFixed(1)} s (${selectRows} rows)`,
    );

    await db.update(tenants).set({ status: "deleting", deletedAt: new Date() }).where(eq(tenants.id, tenantId));
    const [purgeJob] = await db
      .insert(workspaceJobs)
      .values({ tenantId, tenantSlug: "big", kind: "purge", requestedBy: "bench" })
      .returning();
    started = performance.now();
    const stepAt: Record<string, number> = {};
    await runWorkspaceJobs(deps, {
      onProgress: ({ progress }) => void (stepAt[String(progress.step)] ??= performance.now()),
    });
    const purgeMs = performance.now() - started;
    // From the save that opened the tables step to the one that closed it (the first blobs page).
    const tablesMs = (stepAt.blobs ?? Number.NaN) - (stepAt.tables ?? Number.NaN);
    const [purged] = await db
      .select()
      .from(workspaceJobs)
      .where(and(eq(workspaceJobs.id, purgeJob!.id), eq(workspaceJobs.status, "done")));
    if (!purged) throw new Error("the purge did not finish");
    const rowsAfter = await rowsOf(tenantId);
    const blobsAfter = (await blobs.list(workspaceBlobPrefix(tenantId), { limit: 10 })).length;
    log(`purge: ${(purgeMs / 1000).toFixed(1)} s, ${rowsBefore} rows → ${rowsAfter}, blobs left ${blobsAfter}`);

    await db.execute(sql`VACUUM ANALYZE`);
    const client = await database.pool.connect();
    let rawDeleted = 0;
    started = performance.now();
    try {
      await client.query("BEGIN");
      for (const { name } of TENANT_TABLES)
        rawDeleted += (await client.query(`DELETE FROM ${pg.escapeIdentifier(name)} WHERE tenant_id = $1`, [twinId]))
          .rowCount!;
      rawDeleted += (await client.query("DELETE FROM tenants WHERE id = $1", [twinId])).rowCount!;
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    const rawPurgeMs = performance.now() - started;
    const twinRowsAfter = await rowsOf(twinId);
    await blobs.deleteMany(await blobs.list(workspaceBlobPrefix(twinId), { limit: 10_000 }));
    log(`purge baseline: ${(rawPurgeMs / 1000).toFixed(1)} s for ${rawDeleted} rows`);
    const ratio = (a: number, b: number) => Number((a / b).toFixed(1));
    return {
      load: { at_start: loadAtStart, at_end: loadavg().map((l) => Number(l.toFixed(2))) },
      scale: { ...scale, media_files: MEDIA_FILES, tenant_rows: rowsBefore, twin_rows: twinRows },
      export: {
        ms: Math.round(exportMs),
        archive_bytes: archive.size,
        files: archive.files.length,
        baseline_copy: { ms: Math.round(copyMs), bytes: copyBytes, tables: EXPORTED_TABLES.length },
        baseline_select: { ms: Math.round(selectMs), rows: selectRows },
        ratio_to_copy: ratio(exportMs, copyMs),
        ratio_to_select: ratio(exportMs, selectMs),
      },
      purge: {
        ms: Math.round(purgeMs),
        tables_ms: Math.round(tablesMs),
        baseline_sql: { ms: Math.round(rawPurgeMs), rows: rawDeleted, rows_left: twinRowsAfter, workspace: "twin" },
        ratio_to_sql: ratio(purgeMs, rawPurgeMs),
        tables_ratio_to_sql: ratio(tablesMs, rawPurgeMs),
        deleted: (purged.result as { deleted: Record<string, number> }).deleted,
        rows_left: rowsAfter,
        blobs_left: blobsAfter,
      },
    };
  } finally {
    await database.close();
    await server.stop();
    rmSync(mediaDir, { recursive: true, force: true });
  }
}

/** Runs COPY statements through psql and counts the bytes they write: the floor of reading those rows out. */
function copyOut(url: string, statements: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const psql = spawn(path.join(PG_BINDIR, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let bytes = 0;
    psql.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
    psql.on("error", reject);
    psql.on("close", (code) => (code === 0 ? resolve(bytes) : reject(new Error(`psql exited with ${code}`))));
    psql.stdin.end(statements.join("\n"));
  });
}
