import { exportArchive, getExportJob } from "@helperiq/core/platform/export-jobs";
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { contentDisposition } from "@helperiq/core/media/disposition";

/** The download's query: the link's expiry and its signature (export-jobs.ts exportJobView). */
export const downloadQuery = z.object({
  expires: z.string().max(12).optional().describe("Unix seconds; the link stops working then."),
  signature: z
    .string()
    .max(64)
    .optional()
    .describe(
      "HMAC over the export's id and `expires` with the server's keyring. Without both: 404, like a wrong link.",
    ),
});

export const ARCHIVE_BYTES = {
  status: 200,
  contentType: "application/zip",
  description: "The export's zip archive (in the cloud, 302 to a short-lived presigned S3 URL).",
};

/** How long the presigned S3 URL a download redirects to lives: just long enough to follow the redirect. */
const PRESIGNED_TTL_SECONDS = 300;

/**
 * Answers a signed download of export `id` (of `tenantId` when given): the bytes, or a redirect to S3. A bad,
 * expired or foreign link is a 404 like a missing export.
 */
export async function serveExportDownload(
  c: Context<AppEnv>,
  id: number,
  tenantId: number | undefined,
  { expires, signature }: z.infer<typeof downloadQuery>,
) {
  const { database, blobs, secrets, clock } = c.get("deps");
  const job = await getExportJob(database.db, id, tenantId);
  const archive = await exportArchive({ blobs, secrets, clock }, job, expires ?? "", signature ?? "");
  c.header("Cache-Control", "private, no-store");
  c.header("Referrer-Policy", "no-referrer");
  if (blobs.presignedGetUrl) {
    const location = await blobs.presignedGetUrl(archive.key, {
      expiresInSeconds: PRESIGNED_TTL_SECONDS,
      filename: archive.filename,
      attachment: true,
    });
    return c.redirect(location, 302);
  }
  const body = await archive.body();
  return c.body(body as Uint8Array<ArrayBuffer>, 200, {
    "Content-Type": "application/zip",
    "Content-Length": String(body.byteLength),
    "Content-Disposition": contentDisposition(archive.filename, true),
    "X-Content-Type-Options": "nosniff",
  });
}
