import { createS3BlobStore } from "@helperiq/adapters/blob/s3";
import { deleteOrphanUploads } from "@helperiq/core/media/cleanup";
import { sharedDatabase } from "../database.ts";

/** Scheduled by infra/cron.ts: deletes uploads no message took in time, in every workspace (media/cleanup.ts). */
export async function handler(): Promise<{ deleted: number; blobFailures: number }> {
  const bucket = process.env.MEDIA_BUCKET;
  if (!bucket) throw new Error("MEDIA_BUCKET is not set (link the bucket in infra/cron.ts)");
  const result = await deleteOrphanUploads(sharedDatabase().db, createS3BlobStore({ bucket }), new Date());
  console.log(`[cleanup-media] deleted ${result.deleted} orphan uploads (${result.blobFailures} blobs failed)`);
  return result;
}
