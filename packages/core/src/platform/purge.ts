import { and, eq, sql } from "drizzle-orm";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";
import type { RateCounter } from "../port/rate-counter.ts";
import type { WorkspaceSockets } from "../port/workspace-sockets.ts";
import { rateKeyOfTenant } from "../tenant/rate-key.ts";
import { tenants } from "../tenant/tenant.sql.ts";
import { TENANT_TABLES } from "../tenant-tables.ts";

export type PurgeDeps = { db: Db; blobs: BlobStore; rateCounter: RateCounter; sockets: WorkspaceSockets };

/**
 * The purge's steps, in order. Live access goes first (sockets, rate counters), then the rows (search entries
 * and knowledge chunks are rows: full-text columns of conversations and messages, rag_documents with their
 * embeddings), then the media bytes under the workspace's prefix, and the tenants row last, so a purge that
 * stops anywhere can still find everything that is left by the workspace's id.
 */
export const PURGE_STEPS = ["sockets", "rate-counters", "tables", "blobs", "tenant", "done"] as const;
export type PurgeStep = (typeof PURGE_STEPS)[number];

/** Where a purge is: saved after every unit of work (workspace_jobs.state), so a rerun continues from it. */
export type PurgeState = {
  step: PurgeStep;
  /** The table being emptied during `tables` (TENANT_TABLES order); absent, the first. */
  table?: string;
  /** Rows deleted per table, sockets closed, counters forgotten, blobs deleted: the report. */
  deleted: Record<string, number>;
};

export type PurgeProgress = {
  step: PurgeStep;
  tables_done: number;
  tables_total: number;
  rows_deleted: number;
  blobs_deleted: number;
};

/** Rows per DELETE and blob keys per page: each is one short statement or request, then the state is saved. */
export const PURGE_BATCH = 1000;

/** The prefix every blob of the workspace is stored under (media/store.ts). */
export const workspaceBlobPrefix = (tenantId: number) => `${tenantId}/`;

export function initialPurgeState(): PurgeState {
  return { step: "sockets", deleted: {} };
}

export function purgeProgress(state: PurgeState): PurgeProgress {
  const index = state.table ? TENANT_TABLES.findIndex((t) => t.name === state.table) : 0;
  const after = PURGE_STEPS.indexOf(state.step) > PURGE_STEPS.indexOf("tables");
  const rows = TENANT_TABLES.reduce((n, t) => n + (state.deleted[t.name] ?? 0), 0) + (state.deleted.tenants ?? 0);
  return {
    step: state.step,
    tables_done: after ? TENANT_TABLES.length : state.step === "tables" ? Math.max(0, index) : 0,
    tables_total: TENANT_TABLES.length,
    rows_deleted: rows,
    blobs_deleted: state.deleted.blobs ?? 0,
  };
}

/**
 * Runs the purge of workspace `tenantId` from `state` until done or until `shouldPause` says to stop between
 * two units (a cloud function's time budget). `save` is called after every unit with the new state; a purge
 * that dies resumes from the last saved one, and every unit is idempotent (deleting what is already gone
 * deletes nothing). Refuses a workspace that is not `deleting`: only an accepted delete is ever purged.
 */
export async function runPurge(
  deps: PurgeDeps,
  tenantId: number,
  from: PurgeState,
  save: (state: PurgeState) => Promise<void>,
  shouldPause: () => boolean = () => false,
): Promise<PurgeState> {
  const { db } = deps;
  let state: PurgeState = { ...from, deleted: { ...from.deleted } };
  const [tenant] = await db.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId));
  if (tenant && tenant.status !== "deleting")
    throw new Error(`workspace ${tenantId} is ${tenant.status}, not deleting: it cannot be purged`);
  const add = (what: string, n: number) => (state.deleted[what] = (state.deleted[what] ?? 0) + n);
  const advance = async (next: Partial<PurgeState>) => {
    state = { ...state, ...next };
    if (next.step && next.step !== "tables") delete state.table;
    await save(state);
  };

  while (state.step !== "done") {
    if (shouldPause()) return state;
    switch (state.step) {
      case "sockets":
        add("sockets", await deps.sockets.closeWorkspace(tenantId, "workspace deleted"));
        await advance({ step: "rate-counters" });
        break;
      case "rate-counters":
        add("rate_counters", await deps.rateCounter.forget(rateKeyOfTenant(tenantId)));
        await advance({ step: "tables" });
        break;
      case "tables": {
        const index = state.table ? TENANT_TABLES.findIndex((t) => t.name === state.table) : 0;
        const entry = TENANT_TABLES[index];
        if (!entry) {
          await advance({ step: "blobs" });
          break;
        }
        const doomed = db
          .select({ ctid: sql`ctid` })
          .from(entry.table)
          .where(eq(entry.tenantId, tenantId))
          .limit(PURGE_BATCH);
        // `ctid = ANY(ARRAY(…))` is a TID scan of the batch's own rows; `ctid IN (…)` was planned as a join
        // over the whole table, read again for every batch.
        const rows = await db
          .delete(entry.table)
          .where(and(sql`ctid = ANY(ARRAY${doomed})`, eq(entry.tenantId, tenantId)))
          .returning({ one: sql<number>`1` });
        add(entry.name, rows.length);
        if (rows.length < PURGE_BATCH) {
          const next = TENANT_TABLES[index + 1];
          if (next) await advance({ table: next.name });
          else await advance({ step: "blobs" });
        } else await advance({ table: entry.name });
        break;
      }
      case "blobs": {
        const keys = await deps.blobs.list(workspaceBlobPrefix(tenantId), { limit: PURGE_BATCH });
        await deps.blobs.deleteMany(keys);
        add("blobs", keys.length);
        await advance(keys.length < PURGE_BATCH ? { step: "tenant" } : {});
        break;
      }
      case "tenant": {
        const rows = await db
          .delete(tenants)
          .where(and(eq(tenants.id, tenantId), eq(tenants.status, "deleting")))
          .returning({ id: tenants.id });
        add("tenants", rows.length);
        await advance({ step: "done" });
        break;
      }
    }
  }
  return state;
}
