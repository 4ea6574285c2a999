import JSZip from "jszip";
import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import { SECRET_MASK } from "../crypto/secret-box.ts";
import { media as mediaTable } from "../media/media.sql.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import { tenants } from "../tenant/tenant.sql.ts";
import type { workspaceJobs } from "./platform.sql.ts";
import { TENANT_TABLES, type TenantTable } from "../tenant-tables.ts";

export type ExportDeps = { db: Db; blobs: BlobStore; clock: Clock };

/**
 * The archive: one zip holding `manifest.json`, `workspace.json` (the tenants row), `tables/<table>.ndjson`
 * (one file per tenant-owned table, derived like the purge's list, so a new table is exported the day it is
 * added; one JSON object per row, keyed by SQL column name) and `media/<uuid>/<filename>` (every media row's
 * bytes). Tables, not API resources: the archive is complete and mechanical, and the manifest says what was
 * left out.
 *
 * No secret leaves in clear. Tables that only hold credentials (hashes of session and reset tokens) are left
 * out; credential columns are shown as the mask when set; and any string anywhere (JSON settings included)
 * that is a sealed secret (crypto/secret-box.ts) is masked too.
 */
export const CREDENTIAL_TABLES: ReadonlySet<string> = new Set(["sessions", "password_tokens", "widget_sessions"]);

/** `table.column` of every credential column of an exported table. */
export const SECRET_COLUMNS: ReadonlySet<string> = new Set([
  "users.password_hash",
  "api_keys.key_hash",
  "push_tokens.token",
  "oidc_providers.client_secret",
  "ai_providers.api_key",
  "inboxes.secrets",
  "tenant_domains.verification_token",
]);

const SEALED = /^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/;

/** How long an archive can be downloaded; then the sweep removes it. */
export const EXPORT_TTL_SECONDS = 7 * 24 * 3600;

/** Rows read per query while writing a table's file. */
const PAGE = 5000;

/**
 * Where an export is (workspace_jobs.state.export), saved after every table: a rerun after a failure skips the
 * tables whose part files are stored and goes on from the next one.
 */
export type ExportState = {
  attempt: number;
  /** When the first attempt began: the manifest's `created_at` and every entry's date, the same across reruns. */
  started_at?: string;
  /** Tables whose part file is stored, with their row counts, in EXPORTED_TABLES order. */
  parts?: Record<string, number>;
};

/** What the runner shows while it works (workspace_jobs.progress); the CLI prints it. */
export type ExportProgress = {
  step: "tables" | "archive" | "done";
  tables_done: number;
  tables_total: number;
  percent: number;
  /** Rows written to part files so far (this run's and earlier runs'). */
  rows: number;
  /** The table just written. */
  table?: string;
  /** Media files and their bytes added to the archive so far. */
  files: number;
  bytes: number;
  /** The archive's size, once stored. */
  size?: number;
};

export type ExportResult = {
  key: string;
  size: number;
  files: { name: string; rows?: number; bytes?: number }[];
};

/** Where archives live: outside every workspace's `<tenantId>/` prefix, so one outlives its workspace's purge. */
export const exportKey = (jobId: number) => `exports/${jobId}-${crypto.randomUUID()}.zip`;

/** The part files of export `jobId` (one NDJSON per table) while it runs: outside the workspace's prefix too. */
export const exportPartsPrefix = (jobId: number) => `exports/${jobId}.parts/`;
const partKey = (jobId: number, table: string) => `${exportPartsPrefix(jobId)}${table}.ndjson`;

export const EXPORTED_TABLES: readonly TenantTable[] = TENANT_TABLES.filter((t) => !CREDENTIAL_TABLES.has(t.name));

/**
 * Writes the export of the job's workspace, resumably. A zip stream cannot be resumed half written, so each
 * table is first stored as its own part file in the blob store (the state saved after each names it), and
 * the archive is assembled from the parts, the media bytes and the manifest at the end, then the parts are
 * deleted. An export that dies re-reads only the tables not yet stored (and the assembly); entries carry the
 * first attempt's date, so a resumed archive holds the same entries with the same contents as one run at once.
 * Like an uninterrupted export, tables are read one after another, not in one snapshot. One run goes to its
 * end once started (a cloud function's time budget is not checked half way: the cron function gets the
 * platform's longest timeout).
 */
export async function runExport(
  deps: ExportDeps,
  job: Pick<typeof workspaceJobs.$inferSelect, "id" | "tenantId">,
  from: ExportState | undefined,
  save: (state: ExportState, progress: ExportProgress) => Promise<void>,
): Promise<{ done: true; result: ExportResult; expiresAt: Date }> {
  const { db, blobs } = deps;
  const state: ExportState = {
    attempt: (from?.attempt ?? 0) + 1,
    started_at: from?.started_at ?? deps.clock.now().toISOString(),
    parts: { ...from?.parts },
  };
  const parts = state.parts!;
  const date = new Date(state.started_at!);
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, job.tenantId));
  if (!tenant) throw new Error(`workspace ${job.tenantId} no longer exists`);
  const total = EXPORTED_TABLES.length + 1;
  let media = { files: 0, bytes: 0 };
  const progress = (extra: Partial<ExportProgress> = {}): ExportProgress => {
    const done = EXPORTED_TABLES.filter((t) => t.name in parts).length;
    return {
      step: done < EXPORTED_TABLES.length ? "tables" : "archive",
      tables_done: done,
      tables_total: EXPORTED_TABLES.length,
      percent: Math.floor((done / total) * 100),
      rows: Object.values(parts).reduce((n, r) => n + r, 0),
      ...media,
      ...extra,
    };
  };
  await save(state, progress());
  for (const entry of EXPORTED_TABLES) {
    if (entry.name in parts) continue;
    const lines: string[] = [];
    let after: string | undefined;
    for (;;) {
      // Pages in ctid order, by the tid itself: the text of a ctid sorts "(10,1)" before "(2,1)", and pages
      // cut in that order skipped and repeated rows. Only the ctids are sorted, then the page's rows fetched
      // by TID (sorting whole rows spilled to disk on every page).
      const page = db
        .select({ ctid: sql`ctid` })
        .from(entry.table)
        .where(and(eq(entry.tenantId, job.tenantId), after ? sql`ctid > ${after}::tid` : undefined))
        .orderBy(sql`ctid`)
        .limit(PAGE);
      const rows = await db
        .select({ ctid: sql<string>`ctid::text`.as("page_ctid"), row: entry.table })
        .from(entry.table)
        .where(and(sql`ctid = ANY(ARRAY${page})`, eq(entry.tenantId, job.tenantId)))
        .orderBy(sql`ctid`);
      for (const { row } of rows) lines.push(JSON.stringify(exportRow(entry.name, entry.table, row)));
      if (rows.length < PAGE) break;
      after = rows.at(-1)!.ctid;
    }
    await blobs.put(
      partKey(job.id, entry.name),
      new TextEncoder().encode(lines.length ? `${lines.join("\n")}\n` : ""),
      "application/x-ndjson",
    );
    parts[entry.name] = lines.length;
    await save(state, progress({ table: entry.name }));
  }

  // The assembly: one unit (a zip is built whole); a rerun starts it again from the stored parts.
  const zip = new JSZip();
  const add = (name: string, body: string | Uint8Array) => zip.file(name, body, { date });
  const files: ExportResult["files"] = [];
  add("workspace.json", JSON.stringify(exportRow("tenants", tenants, tenant), null, 2));
  for (const entry of EXPORTED_TABLES) {
    const part = await blobs.get(partKey(job.id, entry.name));
    if (!part) throw new Error(`export ${job.id}: the part file of ${entry.name} is missing`);
    const name = `tables/${entry.name}.ndjson`;
    add(name, part.body);
    files.push({ name, rows: parts[entry.name] ?? 0 });
  }
  for (let afterId = 0; ; ) {
    const rows = await db
      .select({ id: mediaTable.id, uuid: mediaTable.uuid, filename: mediaTable.filename, key: mediaTable.storageKey })
      .from(mediaTable)
      .where(and(eq(mediaTable.tenantId, job.tenantId), sql`${mediaTable.id} > ${afterId}`))
      .orderBy(asc(mediaTable.id))
      .limit(PAGE);
    for (const row of rows) {
      const blob = await blobs.get(row.key);
      // A row whose bytes are gone (a failed upload) is listed in its table; there is nothing to add here.
      if (!blob) continue;
      add(`media/${row.uuid}/${row.filename}`, blob.body);
      media = { files: media.files + 1, bytes: media.bytes + blob.body.byteLength };
    }
    await save(state, progress());
    if (rows.length < PAGE) break;
    afterId = rows.at(-1)!.id;
  }
  files.push({ name: "media/", rows: media.files, bytes: media.bytes });
  const manifest = {
    format: "helperiq-workspace-export",
    version: 1,
    workspace: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    created_at: state.started_at,
    files,
    omitted_tables: [...CREDENTIAL_TABLES].sort(),
    masked_columns: [...SECRET_COLUMNS].sort(),
    note: "Credential columns show the mask when set; sealed secrets anywhere are masked; media/<uuid>/<filename> holds each media row's bytes.",
  };
  add("manifest.json", JSON.stringify(manifest, null, 2));
  // Level 1: on 100k messages (55 MB of NDJSON) deflate took half the time of level 6 for a fifth more bytes.
  const body = await zip.generateAsync({
    type: "uint8array",
    compression: "DEFLATE",
    compressionOptions: { level: 1 },
  });
  const key = exportKey(job.id);
  await blobs.put(key, body, "application/zip");
  await discardExportParts(blobs, job.id);
  await save(state, progress({ step: "done", percent: 100, size: body.byteLength }));
  return {
    done: true,
    result: { key, size: body.byteLength, files },
    expiresAt: new Date(deps.clock.now().getTime() + EXPORT_TTL_SECONDS * 1000),
  };
}

/** Deletes the part files of export `jobId` (assembled, or failed for good); idempotent. */
export async function discardExportParts(blobs: BlobStore, jobId: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const keys = await blobs.list(exportPartsPrefix(jobId), { limit: 1000 });
    if (keys.length === 0) return removed;
    await blobs.deleteMany(keys);
    removed += keys.length;
  }
}

/** A row as exported: SQL column names, credential columns masked, sealed values masked wherever they sit. */
export function exportRow(tableName: string, table: TenantTable["table"], row: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, column, secret] of exportedColumns(tableName, table)) {
    const value = row[key];
    out[column] = secret
      ? value === null || value === undefined || value === ""
        ? (value ?? null)
        : SECRET_MASK
      : maskSealed(value);
  }
  return out;
}

/** `[property, SQL name, is a credential column]` of each column of a table, worked out once per table, not per row. */
const columnsOf = new WeakMap<TenantTable["table"], [string, string, boolean][]>();
function exportedColumns(tableName: string, table: TenantTable["table"]) {
  let columns = columnsOf.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table)).map(([key, column]) => [
      key,
      column.name,
      SECRET_COLUMNS.has(`${tableName}.${column.name}`),
    ]);
    columnsOf.set(table, columns);
  }
  return columns;
}

function maskSealed(value: unknown): unknown {
  if (typeof value === "string") return SEALED.test(value) ? SECRET_MASK : value;
  if (Array.isArray(value)) return value.map(maskSealed);
  if (value && typeof value === "object" && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSealed(v)]));
  return value;
}
