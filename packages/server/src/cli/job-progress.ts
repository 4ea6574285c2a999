import type { ExportProgress, ExportState } from "@helperiq/core/platform/export";
import { PURGE_STEPS, type PurgeState } from "@helperiq/core/platform/purge";
import type { JobProgress } from "@helperiq/core/platform/workspace-jobs";
import { TENANT_TABLES } from "@helperiq/core/tenant-tables";
import type { CliContext } from "./command.ts";
import { formatBytes } from "./format.ts";

const count = (n: number) => n.toLocaleString("en-US");

/** A table still being emptied gets a line each time this many more of its rows are gone. */
const ROWS_PER_LINE = 10_000;

/** Tables before this index are emptied, in `state` (TENANT_TABLES order). */
function tablesDone(state: PurgeState): number {
  const step = PURGE_STEPS.indexOf(state.step);
  if (step < PURGE_STEPS.indexOf("tables")) return 0;
  if (step > PURGE_STEPS.indexOf("tables")) return TENANT_TABLES.length;
  return state.table
    ? Math.max(
        0,
        TENANT_TABLES.findIndex((t) => t.name === state.table),
      )
    : 0;
}

/**
 * The purge's progress lines, from the state saved after each unit: the sockets and rate counters, each table
 * once emptied (`purge acme: conversations 10,000 rows deleted (12/48 tables)`; empty tables say nothing, a big
 * one also every 10,000 rows), the files, the workspace row. Under --json every unit is one JSON line.
 */
export function purgeReporter(ctx: CliContext, slug: string) {
  let before: PurgeState = { step: "sockets", deleted: {} };
  const total = TENANT_TABLES.length;
  return ({ id, progress, state }: JobProgress) => {
    const now = state.purge as PurgeState | undefined;
    if (!now) return;
    const was = before;
    // A copy: the running purge keeps updating its counts in place.
    before = { ...now, deleted: { ...now.deleted } };
    const grew = (key: string) => (now.deleted[key] ?? -1) > (was.deleted[key] ?? -1);
    const say = (line: string, event: Record<string, unknown> = {}) =>
      ctx.progress(`purge ${slug}: ${line}`, { job: id, kind: "purge", workspace: slug, ...progress, ...event });
    if (grew("sockets")) say(`${count(now.deleted.sockets ?? 0)} WebSockets closed`);
    if (grew("rate_counters")) say(`${count(now.deleted.rate_counters ?? 0)} rate counters forgotten`);
    const from = tablesDone(was);
    const to = tablesDone(now);
    for (let i = from; i < to; i++) {
      const name = TENANT_TABLES[i]!.name;
      const rows = now.deleted[name] ?? 0;
      if (rows > 0)
        say(`${name} ${count(rows)} rows deleted (${i + 1}/${total} tables)`, { table: name, table_rows: rows });
    }
    if (now.step === "tables" && now.table && now.table === was.table) {
      const rows = now.deleted[now.table] ?? 0;
      if (Math.floor(rows / ROWS_PER_LINE) > Math.floor((was.deleted[now.table] ?? 0) / ROWS_PER_LINE))
        say(`${now.table} ${count(rows)} rows deleted so far (${to + 1}/${total} tables)`, {
          table: now.table,
          table_rows: rows,
        });
    }
    if (grew("blobs")) say(`${count(now.deleted.blobs ?? 0)} files deleted`);
    if (grew("tenants")) say("workspace row deleted");
  };
}

/** The purge's closing line: what it removed. */
export function purgeSummary(slug: string, deleted: Record<string, number>): string {
  const rows = TENANT_TABLES.reduce((n, t) => n + (deleted[t.name] ?? 0), 0);
  const tables = TENANT_TABLES.filter((t) => (deleted[t.name] ?? 0) > 0).length;
  return (
    `Purged ${slug}: ${count(rows)} rows from ${tables} of ${TENANT_TABLES.length} tables, ` +
    `${count(deleted.blobs ?? 0)} files, ${count(deleted.sockets ?? 0)} WebSockets, ` +
    `${count(deleted.rate_counters ?? 0)} rate counters; the slug is free.`
  );
}

/**
 * The export's progress lines, one per saved unit: `export 7 of acme:  45% (17/35 tables, 10,234 rows, 0 files,
 * 0 B)`, the table just written named, and the archive's size at the end. Under --json, JSON lines.
 */
export function exportReporter(ctx: CliContext, slug: string) {
  return ({ id, progress: raw, state }: JobProgress) => {
    const p = raw as Partial<ExportProgress>;
    const parts = (state.export as ExportState | undefined)?.parts ?? {};
    const what = p.table ? `: ${p.table} ${count(parts[p.table] ?? 0)} rows` : "";
    const archive = p.size === undefined ? "" : `; archive ${formatBytes(p.size)}`;
    ctx.progress(
      `export ${id} of ${slug}: ${String(p.percent ?? 0).padStart(3)}% (${p.tables_done ?? 0}/${p.tables_total ?? 0} tables, ` +
        `${count(p.rows ?? 0)} rows, ${count(p.files ?? 0)} files, ${formatBytes(p.bytes ?? 0)})${what}${archive}`,
      { job: id, kind: "export", workspace: slug, ...p },
    );
  };
}
