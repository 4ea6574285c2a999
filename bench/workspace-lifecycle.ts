import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { storeMedia } from "@helperiq/core/media/store";
import { workspaceBlobPrefix } from "@helperiq/core/platform/purge";
import { TENANT_TABLES } from "@helperiq/core/tenant-tables";
import { runWorkspaceJobs, type WorkspaceJobDeps } from "@helperiq/core/platform/workspace-jobs";
import { systemClock } from "@helperiq/core/port/index";
import { messages, tenants, workspaceJobs } from "@helperiq/core/schema";
import { and, eq, sql } from "drizzle-orm";
import { createDatabase, startPostgres } from "../tests/support/postgres-server.ts";
import { seedConversations, type SeedScale } from "./seed-conversations.ts";

/** Attachments of the big workspace: bytes the export packs and the purge deletes. */
const MEDIA_FILES = 200;

/**
 * Issue 16's figures: a workspace of 10k conversations and 100k messages (plus 200 attachments and two small
 * workspaces) on the PostgreSQL server; how long its export (the zip of every table and file) and its purge
 * (every tenant-owned row and blob, resumable batches) take through the workspace-jobs runner, and that the
 * purge leaves nothing. BENCH_WORKSPACE_CONVERSATIONS scales it down for a quick look.
 */
export async function benchWorkspaceLifecycle(log: (line: string) => void = console.log) {
  const size = Number(process.env.BENCH_WORKSPACE_CONVERSATIONS ?? 10_000);
  const scale: SeedScale = { conversations: size, messagesPerConversation: 10, otherTenants: 2 };
  const server = await startPostgres();
  const database = openNodePostgres(await createDatabase(server.url, "bench_workspace"), { max: 4 });
  const mediaDir = mkdtempSync(path.join(tmpdir(), "hq-bench-workspace-"));
  const blobs = createFilesystemBlobStore(mediaDir);
  try {
    await database.migrate();
    log(`seeding ${size} conversations × ${scale.messagesPerConversation} messages…`);
    const { tenantId } = await seedConversations(database.db, scale, log);
    const db = database.db;
    const held = await db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.tenantId, tenantId))
      .limit(MEDIA_FILES);
    for (const [i, m] of held.entries()) {
      await storeMedia(db, blobs, {
        tenantId,
        filename: `invoice-${i}.txt`,
        contentType: "text/plain",
        bytes: new TextEncoder().encode(`invoice ${i} `.repeat(200)),
        messageId: m.id,
      });
    }
    const deps: WorkspaceJobDeps = {
      db,
      clock: systemClock,
      blobs,
      rateCounter: createMemoryRateCounter(),
      sockets: { closeWorkspace: async () => 0 },
    };
    const rowsOf = async () => {
      let n = 0;
      for (const { name } of TENANT_TABLES) {
        const [row] = (
          (await db.execute(
            sql`SELECT count(*)::int AS n FROM ${sql.identifier(name)} WHERE tenant_id = ${tenantId}`,
          )) as unknown as { rows: { n: number }[] }
        ).rows;
        n += Number(row!.n);
      }
      return n;
    };
    const rowsBefore = await rowsOf();

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

    await db.update(tenants).set({ status: "deleting", deletedAt: new Date() }).where(eq(tenants.id, tenantId));
    const [purgeJob] = await db
      .insert(workspaceJobs)
      .values({ tenantId, tenantSlug: "big", kind: "purge", requestedBy: "bench" })
      .returning();
    started = performance.now();
    await runWorkspaceJobs(deps);
    const purgeMs = performance.now() - started;
    const [purged] = await db
      .select()
      .from(workspaceJobs)
      .where(and(eq(workspaceJobs.id, purgeJob!.id), eq(workspaceJobs.status, "done")));
    if (!purged) throw new Error("the purge did not finish");
    const rowsAfter = await rowsOf();
    const blobsAfter = (await blobs.list(workspaceBlobPrefix(tenantId), { limit: 10 })).length;
    log(`purge: ${(purgeMs / 1000).toFixed(1)} s, ${rowsBefore} rows → ${rowsAfter}, blobs left ${blobsAfter}`);
    return {
      scale: { ...scale, media_files: MEDIA_FILES, tenant_rows: rowsBefore },
      export: { ms: Math.round(exportMs), archive_bytes: archive.size, files: archive.files.length },
      purge: {
        ms: Math.round(purgeMs),
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
