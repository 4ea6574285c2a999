import JSZip from "jszip";
import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import { SECRET_MASK } from "../crypto/secret-box.ts";
import { media } from "../media/media.sql.ts";
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

export type ExportState = { attempt: number };

export type ExportResult = {
  key: string;
  size: number;
  files: { name: string; rows?: number; bytes?: number }[];
};

/** Where archives live: outside every workspace's `<tenantId>/` prefix, so one outlives its workspace's purge. */
export const exportKey = (jobId: number) => `exports/${jobId}-${crypto.randomUUID()}.zip`;

export const EXPORTED_TABLES: readonly TenantTable[] = TENANT_TABLES.filter((t) => !CREDENTIAL_TABLES.has(t.name));

/**
 * Writes the export of the job's workspace. The archive is one object written at the end, so an export that
 * dies starts over (its progress is shown per table meanwhile), and one runs to its end once started (a cloud
 * function's time budget is not checked half way: the cron function gets the platform's longest timeout).
 */
export async function runExport(
  deps: ExportDeps,
  job: Pick<typeof workspaceJobs.$inferSelect, "id" | "tenantId">,
  from: ExportState | undefined,
  save: (state: ExportState, progress: Record<string, unknown>) => Promise<void>,
): Promise<{ done: true; result: ExportResult; expiresAt: Date }> {
  const { db, blobs } = deps;
  const state: ExportState = { attempt: (from?.attempt ?? 0) + 1 };
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, job.tenantId));
  if (!tenant) throw new Error(`workspace ${job.tenantId} no longer exists`);
  const zip = new JSZip();
  const files: ExportResult["files"] = [];
  const total = EXPORTED_TABLES.length + 1;
  const progress = (done: number, extra: Record<string, unknown> = {}) => ({
    step: done < EXPORTED_TABLES.length ? "tables" : "media",
    tables_done: Math.min(done, EXPORTED_TABLES.length),
    tables_total: EXPORTED_TABLES.length,
    percent: Math.floor((done / total) * 100),
    ...extra,
  });
  await save(state, progress(0));
  zip.file("workspace.json", JSON.stringify(exportRow("tenants", tenants, tenant), null, 2));
  for (const [i, entry] of EXPORTED_TABLES.entries()) {
    const lines: string[] = [];
    let after: string | undefined;
    for (;;) {
      const rows = await db
        .select({ ctid: sql<string>`ctid::text`, row: entry.table })
        .from(entry.table)
        .where(and(eq(entry.tenantId, job.tenantId), after ? sql`ctid > ${after}::tid` : undefined))
        .orderBy(sql`ctid`)
        .limit(PAGE);
      for (const { row } of rows) lines.push(JSON.stringify(exportRow(entry.name, entry.table, row)));
      if (rows.length < PAGE) break;
      after = rows.at(-1)!.ctid;
    }
    const name = `tables/${entry.name}.ndjson`;
    zip.file(name, lines.length ? `${lines.join("\n")}\n` : "");
    files.push({ name, rows: lines.length });
    await save(state, progress(i + 1));
  }
  let mediaFiles = 0;
  let mediaBytes = 0;
  for (let afterId = 0; ; ) {
    const rows = await db
      .select({ id: media.id, uuid: media.uuid, filename: media.filename, key: media.storageKey })
      .from(media)
      .where(and(eq(media.tenantId, job.tenantId), sql`${media.id} > ${afterId}`))
      .orderBy(asc(media.id))
      .limit(PAGE);
    for (const row of rows) {
      const blob = await blobs.get(row.key);
      // A row whose bytes are gone (a failed upload) is listed in its table; there is nothing to add here.
      if (!blob) continue;
      zip.file(`media/${row.uuid}/${row.filename}`, blob.body);
      mediaFiles++;
      mediaBytes += blob.body.byteLength;
    }
    if (rows.length < PAGE) break;
    afterId = rows.at(-1)!.id;
  }
  files.push({ name: "media/", rows: mediaFiles, bytes: mediaBytes });
  const manifest = {
    format: "helperiq-workspace-export",
    version: 1,
    workspace: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    created_at: deps.clock.now().toISOString(),
    files,
    omitted_tables: [...CREDENTIAL_TABLES].sort(),
    masked_columns: [...SECRET_COLUMNS].sort(),
    note: "Credential columns show the mask when set; sealed secrets anywhere are masked; media/<uuid>/<filename> holds each media row's bytes.",
  };
  zip.file("manifest.json", JSON.stringify(manifest, null, 2));
  const body = await zip.generateAsync({
    type: "uint8array",
    compression: "DEFLATE",
    compressionOptions: { level: 6 },
  });
  const key = exportKey(job.id);
  await blobs.put(key, body, "application/zip");
  await save(state, progress(total, { size: body.byteLength }));
  return {
    done: true,
    result: { key, size: body.byteLength, files },
    expiresAt: new Date(deps.clock.now().getTime() + EXPORT_TTL_SECONDS * 1000),
  };
}

/** A row as exported: SQL column names, credential columns masked, sealed values masked wherever they sit. */
export function exportRow(tableName: string, table: TenantTable["table"], row: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = row[key];
    out[column.name] = SECRET_COLUMNS.has(`${tableName}.${column.name}`)
      ? value === null || value === undefined || value === ""
        ? (value ?? null)
        : SECRET_MASK
      : maskSealed(value);
  }
  return out;
}

function maskSealed(value: unknown): unknown {
  if (typeof value === "string") return SEALED.test(value) ? SECRET_MASK : value;
  if (Array.isArray(value)) return value.map(maskSealed);
  if (value && typeof value === "object" && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSealed(v)]));
  return value;
}
