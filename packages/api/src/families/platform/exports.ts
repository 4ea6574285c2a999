import { exportJobView, getExportJob, requestExport } from "@helperiq/core/platform/export-jobs";
import { findTenantBySlug } from "@helperiq/core/tenant/resolve";
import { NotFoundError } from "@helperiq/core/errors/index";
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { ARCHIVE_BYTES, downloadQuery, serveExportDownload } from "../../export-download.ts";
import { ok, responds, respondsRaw } from "../../middleware/envelope.ts";
import { exportJob } from "../../responses/export.ts";
import { idParam, validate } from "../../validate.ts";
import { slugParam } from "./workspace-param.ts";

/**
 * Workspace exports for the operator: request one (202 and the queued job), follow its progress, then
 * download the archive through the signed, expiring link the job's view carries (the platform key is still
 * needed: every /platform/v1 route passes platformAccess).
 */
export const exportRoutes = new Hono<AppEnv>()
  .post("/platform/v1/workspaces/:slug/export", validate("param", slugParam), responds(exportJob, 202), async (c) => {
    const { database, clock, secrets } = c.get("deps");
    const tenant = await findTenantBySlug(database.db, c.req.valid("param").slug);
    if (!tenant) throw new NotFoundError("Workspace");
    const job = await requestExport({ db: database.db, clock }, tenant.id, "platform");
    c.set("platformAudit", { detail: { job: job.id } });
    return ok(c, exportJobView(job, secrets, clock.now(), `/platform/v1/exports/${job.id}/download`), 202);
  })
  .get("/platform/v1/exports/:id", validate("param", idParam), responds(exportJob), async (c) => {
    const { database, clock, secrets } = c.get("deps");
    const job = await getExportJob(database.db, c.req.valid("param").id);
    c.set("platformAudit", { slug: job.tenantSlug, detail: { job: job.id } });
    return ok(c, exportJobView(job, secrets, clock.now(), `/platform/v1/exports/${job.id}/download`));
  })
  .get(
    "/platform/v1/exports/:id/download",
    validate("param", idParam),
    validate("query", downloadQuery),
    respondsRaw(ARCHIVE_BYTES),
    async (c) => {
      const { id } = c.req.valid("param");
      c.set("platformAudit", { detail: { job: id } });
      return serveExportDownload(c, id, undefined, c.req.valid("query"));
    },
  );
