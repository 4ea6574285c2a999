import { and, desc, eq, inArray, isNotNull, lte } from "drizzle-orm";
import { signParts, verifyParts } from "../crypto/url-signature.ts";
import type { Keyring } from "../crypto/secret-box.ts";
import { iso } from "../db/iso.ts";
import { NotFoundError } from "../errors/index.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import { tenants } from "../tenant/tenant.sql.ts";
import type { ExportResult } from "./export.ts";
import { workspaceJobs } from "./platform.sql.ts";

/** A download link lives this long (or less, when the archive expires sooner). */
export const EXPORT_LINK_TTL_SECONDS = 3600;
const LABEL = "workspace-export";

/** An export job as the operator and the workspace admin see it. */
export type ExportJobView = {
  id: number;
  kind: "export";
  workspace: string;
  status: "queued" | "running" | "done" | "failed";
  progress: { tables_done: number; tables_total: number; percent: number };
  error: string | null;
  created_at: string;
  finished_at: string | null;
  expires_at: string | null;
  size: number | null;
  /** Signed and expiring; present while the archive can be downloaded. */
  download_url: string | null;
  download_expires_at: string | null;
};

type Job = typeof workspaceJobs.$inferSelect;

/**
 * Queues an export of workspace `tenantId` (one at a time: a queued or running export is returned instead of
 * a second one). The workspace-jobs runner writes the archive.
 */
export async function requestExport(
  deps: { db: Db; clock: Clock },
  tenantId: number,
  requestedBy: string,
): Promise<Job> {
  return deps.db.transaction(async (tx) => {
    const [tenant] = await tx
      .select({ slug: tenants.slug, status: tenants.status })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .for("update");
    if (!tenant || tenant.status === "deleting") throw new NotFoundError("Workspace");
    const [pending] = await tx
      .select()
      .from(workspaceJobs)
      .where(
        and(
          eq(workspaceJobs.tenantId, tenantId),
          eq(workspaceJobs.kind, "export"),
          inArray(workspaceJobs.status, ["queued", "running"]),
        ),
      )
      .limit(1);
    if (pending) return pending;
    const now = deps.clock.now();
    const [job] = await tx
      .insert(workspaceJobs)
      .values({ tenantId, tenantSlug: tenant.slug, kind: "export", requestedBy, createdAt: now, updatedAt: now })
      .returning();
    return job!;
  });
}

/** The export job `id`, of workspace `tenantId` when given (another workspace's is not found, like a missing one). */
export async function getExportJob(db: Db, id: number, tenantId?: number): Promise<Job> {
  const [job] = await db
    .select()
    .from(workspaceJobs)
    .where(
      and(
        eq(workspaceJobs.id, id),
        eq(workspaceJobs.kind, "export"),
        tenantId === undefined ? undefined : eq(workspaceJobs.tenantId, tenantId),
      ),
    );
  if (!job) throw new NotFoundError("Export");
  return job;
}

/** The latest exports of a workspace, newest first (the admin's screen). */
export async function listExportJobs(db: Db, tenantId: number, limit = 10): Promise<Job[]> {
  return db
    .select()
    .from(workspaceJobs)
    .where(and(eq(workspaceJobs.tenantId, tenantId), eq(workspaceJobs.kind, "export")))
    .orderBy(desc(workspaceJobs.id))
    .limit(limit);
}

/** Whether the job's archive can be downloaded at `now`. */
export function downloadable(job: Job, now: Date): boolean {
  return job.status === "done" && !!job.expiresAt && job.expiresAt > now && !!archiveOf(job);
}

const archiveOf = (job: Job) => {
  const result = job.result as (Partial<ExportResult> & { removed?: boolean }) | null;
  return result?.key && !result.removed ? (result as ExportResult) : undefined;
};

/**
 * The view, with a download link under `downloadPath` (`/platform/v1/exports/7/download` or the workspace's
 * own) signed over the job id and the link's expiry with the server's keyring.
 */
export function exportJobView(job: Job, ring: Keyring, now: Date, downloadPath: string): ExportJobView {
  const progress = job.progress as Partial<ExportJobView["progress"]>;
  let link: { url: string; expires: Date } | undefined;
  if (downloadable(job, now)) {
    const exp = Math.floor(Math.min(now.getTime() / 1000 + EXPORT_LINK_TTL_SECONDS, job.expiresAt!.getTime() / 1000));
    const signature = signParts(ring, LABEL, [String(job.id), String(exp)]);
    link = { url: `${downloadPath}?expires=${exp}&signature=${signature}`, expires: new Date(exp * 1000) };
  }
  return {
    id: job.id,
    kind: "export",
    workspace: job.tenantSlug,
    status: job.status,
    progress: {
      tables_done: Number(progress.tables_done ?? 0),
      tables_total: Number(progress.tables_total ?? 0),
      percent: job.status === "done" ? 100 : Number(progress.percent ?? 0),
    },
    error: job.error,
    created_at: iso(job.createdAt),
    finished_at: job.finishedAt ? iso(job.finishedAt) : null,
    expires_at: job.expiresAt ? iso(job.expiresAt) : null,
    size: archiveOf(job)?.size ?? null,
    download_url: link?.url ?? null,
    download_expires_at: link ? iso(link.expires) : null,
  };
}

/**
 * The archive of export `job` for a request carrying `expires` and `signature`: a valid signature of this job
 * until then, not past, and an archive still kept; else not found (a wrong link says nothing more).
 */
export async function exportArchive(
  deps: { blobs: BlobStore; secrets: Keyring; clock: Clock },
  job: Job,
  expires: string,
  signature: string,
): Promise<{ key: string; filename: string; body: () => Promise<Uint8Array> }> {
  const now = deps.clock.now();
  const valid =
    /^\d{1,12}$/.test(expires) &&
    Number(expires) * 1000 > now.getTime() &&
    verifyParts(deps.secrets, LABEL, [String(job.id), expires], signature);
  const archive = archiveOf(job);
  if (!valid || !archive || !downloadable(job, now)) throw new NotFoundError("Export");
  const stamp = iso(job.finishedAt ?? job.createdAt).slice(0, 10);
  return {
    key: archive.key,
    filename: `${job.tenantSlug}-export-${stamp}.zip`,
    body: async () => {
      const blob = await deps.blobs.get(archive.key);
      if (!blob) throw new NotFoundError("Export");
      return blob.body;
    },
  };
}

/**
 * Removes the archives of exports past their expiry (the workspace-jobs sweep); the job rows stay, marked
 * `removed`, so the history still shows them. Returns how many.
 */
export async function removeExpiredExports(deps: { db: Db; blobs: BlobStore }, now: Date): Promise<number> {
  const due = await deps.db
    .select()
    .from(workspaceJobs)
    .where(
      and(
        eq(workspaceJobs.kind, "export"),
        eq(workspaceJobs.status, "done"),
        isNotNull(workspaceJobs.expiresAt),
        lte(workspaceJobs.expiresAt, now),
      ),
    )
    .limit(100);
  let removed = 0;
  for (const job of due) {
    const archive = archiveOf(job);
    if (!archive) continue;
    await deps.blobs.delete(archive.key);
    await deps.db
      .update(workspaceJobs)
      .set({ result: { ...archive, removed: true } })
      .where(eq(workspaceJobs.id, job.id));
    removed++;
  }
  return removed;
}
