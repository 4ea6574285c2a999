import { and, eq, inArray, isNull } from "drizzle-orm";
import { InputError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { media } from "./media.sql.ts";

/**
 * Makes `messageId` hold the files `mediaIds` (checked uploads, or parts an import just stored), inside the
 * transaction that writes the message. Only files no message holds are taken: a 400 when another message
 * took one since it was checked.
 */
export async function attachUploads(tx: Db, tenantId: number, messageId: number, mediaIds: readonly number[]): Promise<void> {
  if (mediaIds.length === 0) return;
  const attached = await tx
    .update(media)
    .set({ messageId })
    .where(and(eq(media.tenantId, tenantId), inArray(media.id, [...mediaIds]), isNull(media.messageId)))
    .returning({ id: media.id });
  if (attached.length !== mediaIds.length) throw new InputError("attachments: an upload is already attached to a message");
}
