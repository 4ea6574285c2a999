import { media } from "./media.sql.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";

export type NewMedia = {
  tenantId: number;
  filename: string;
  /** As declared by the sender; the media domain may correct it from the bytes. */
  contentType: string;
  bytes: Uint8Array;
  inline?: boolean | undefined;
  /** `Content-ID` of an inline MIME part, without angle brackets. */
  contentId?: string | undefined;
  /** The message it belongs to, when known at once (imported mail); uploads are attached when sent. */
  messageId?: number | undefined;
};

export type StoredMedia = { id: number; uuid: string; filename: string; contentType: string; size: number };

/**
 * The one way bytes become media: written to the BlobStore under a tenant-prefixed key, then recorded.
 * The blob is written first; a crash in between leaves an unreferenced blob, never a row without bytes.
 */
export async function storeMedia(db: Db, blobs: BlobStore, input: NewMedia): Promise<StoredMedia> {
  const uuid = crypto.randomUUID();
  const key = `${input.tenantId}/${uuid}`;
  await blobs.put(key, input.bytes, input.contentType);
  const [row] = await db
    .insert(media)
    .values({
      uuid,
      tenantId: input.tenantId,
      filename: input.filename,
      contentType: input.contentType,
      size: input.bytes.byteLength,
      storageKey: key,
      inline: input.inline ?? false,
      contentId: input.contentId ?? null,
      messageId: input.messageId ?? null,
    })
    .returning({ id: media.id });
  return { id: row!.id, uuid, filename: input.filename, contentType: input.contentType, size: input.bytes.byteLength };
}
