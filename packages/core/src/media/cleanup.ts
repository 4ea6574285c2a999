import { and, inArray, isNull, lte } from "drizzle-orm";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";
import { media } from "./media.sql.ts";
import { ofActiveTenant } from "../tenant/active.ts";

export type OrphanCleanup = { deleted: number; blobFailures: number };

/**
 * Deletes uploads no message held by their `expires_at` (media/upload.ts ORPHAN_UPLOAD_TTL_HOURS), and the
 * uploads of deleted messages, in every workspace; bounded to `maxBatches` batches per run.
 * The row goes first, in one statement that also checks `message_id IS NULL`: a reply attaching the
 * upload at the same moment either wins (and the file stays) or finds it gone (400). The bytes go after;
 * a blob that fails to delete is only unreferenced storage, reported in `blobFailures`.
 */
export async function deleteOrphanUploads(
  db: Db,
  blobs: BlobStore,
  now: Date,
  { batchSize = 200, maxBatches = 50 }: { batchSize?: number; maxBatches?: number } = {},
): Promise<OrphanCleanup> {
  let deleted = 0;
  let blobFailures = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const orphans = db
      .select({ id: media.id })
      .from(media)
      .where(and(isNull(media.messageId), lte(media.expiresAt, now), ofActiveTenant(media.tenantId)))
      .limit(batchSize);
    const rows = await db
      .delete(media)
      .where(and(inArray(media.id, orphans), isNull(media.messageId)))
      .returning({ key: media.storageKey });
    const results = await Promise.allSettled(rows.map((r) => blobs.delete(r.key)));
    for (const result of results) {
      if (result.status === "rejected") {
        blobFailures++;
        console.error(`[media-cleanup] could not delete a blob: ${String(result.reason)}`);
      }
    }
    deleted += rows.length;
    if (rows.length < batchSize) break;
  }
  return { deleted, blobFailures };
}
