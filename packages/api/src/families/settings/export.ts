import { exportJobView, getExportJob, listExportJobs, requestExport } from "@helperiq/core/platform/export-jobs";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { ARCHIVE_BYTES, downloadQuery, serveExportDownload } from "../../export-download.ts";
import { agentOf, auth } from "../../middleware/auth.ts";
import { ok, responds, respondsRaw } from "../../middleware/envelope.ts";
import { exportJob } from "../../responses/export.ts";
import { idParam, validate } from "../../validate.ts";

/** The admin's own export path of job `id` (its view's download link points here). */
const downloadPath = (id: number) => `/api/v1/export/${id}/download`;

/**
 * The workspace admin's data export (portability): the same archive the operator gets (core/platform/
 * export.ts), requested, followed and downloaded from the workspace itself. Another workspace's export is
 * not found here, whatever its id.
 */
export const exportSettingsRoutes = new Hono<AppEnv>()
  .post("/api/v1/export", auth("general_settings:manage"), responds(exportJob, 202), async (c) => {
    const { database, clock, secrets } = c.get("deps");
    const job = await requestExport({ db: database.db, clock }, c.get("tenant").id, `user:${agentOf(c).userId}`);
    return ok(c, exportJobView(job, secrets, clock.now(), downloadPath(job.id)), 202);
  })
  .get("/api/v1/export", auth("general_settings:manage"), responds(z.array(exportJob)), async (c) => {
    const { database, clock, secrets } = c.get("deps");
    const jobs = await listExportJobs(database.db, c.get("tenant").id);
    return ok(
      c,
      jobs.map((job) => exportJobView(job, secrets, clock.now(), downloadPath(job.id))),
    );
  })
  .get(
    "/api/v1/export/:id",
    auth("general_settings:manage"),
    validate("param", idParam),
    responds(exportJob),
    async (c) => {
      const { database, clock, secrets } = c.get("deps");
      const job = await getExportJob(database.db, c.req.valid("param").id, c.get("tenant").id);
      return ok(c, exportJobView(job, secrets, clock.now(), downloadPath(job.id)));
    },
  )
  .get(
    "/api/v1/export/:id/download",
    auth("general_settings:manage"),
    validate("param", idParam),
    validate("query", downloadQuery),
    respondsRaw(ARCHIVE_BYTES),
    async (c) => serveExportDownload(c, c.req.valid("param").id, c.get("tenant").id, c.req.valid("query")),
  );
