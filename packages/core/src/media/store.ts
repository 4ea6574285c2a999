import { media } from "./media.sql.ts";
import { sanitizeFilename } from "./filename.ts";
import { sniffContentType } from "./sniff.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";
import { assertStorage } from "./quota.ts";

export type NewMedia = {
  tenantId: number;
  filename: string;
  /** As declared by the sender; the stored type is sniffed from the bytes (media/sniff.ts). */
  contentType: string;
  bytes: Uint8Array;
  inline?: boolean | undefined;
  /** `Content-ID` of an inline MIME part, without angle brackets. */
  contentId?: string | undefined;
  /** The message it belongs to, when known at once (imported mail); uploads are attached when sent. */
  messageId?: number | undefined;
  /** The user who uploaded it through the API; only they see it until a message holds it. */
  uploadedBy?: number | undefined;
  /** Uploads: deleted by the orphan cleanup if no message holds them by then (media/cleanup.ts). */
  expiresAt?: Date | undefined;
  /**
   * Inbound mail's attachments are stored even past the workspace's storage limit: a customer's message is never
   * refused nor cut for the workspace's plan. They count towards the usage, so later uploads are refused instead.
   */
  beyondStorageLimit?: boolean | undefined;
};

export type StoredMedia = { id: number; uuid: string; filename: string; contentType: string; size: number };

/** The name and type media is stored under: the filename sanitised, the type sniffed from the bytes. */
export async function describeMedia(input: Pick<NewMedia, "filename" | "contentType" | "bytes">) {
  const sniffed = await sniffContentType(input.bytes, input.contentType);
  return { filename: sanitizeFilename(input.filename, sniffed.extension), contentType: sniffed.contentType };
}

/**
 * The one way bytes become media: written to the BlobStore under a tenant-prefixed key, then recorded.
 * The blob is written first; a crash in between leaves an unreferenced blob, never a row without bytes.
 * Whoever calls it, the stored filename is sanitised and the content type sniffed (describeMedia).
 */
export async function storeMedia(db: Db, blobs: BlobStore, input: NewMedia): Promise<StoredMedia> {
  if (!input.beyondStorageLimit) await assertStorage(db, input.tenantId, input.bytes.byteLength);
  const { filename, contentType } = await describeMedia(input);
  const uuid = crypto.randomUUID();
  const key = `${input.tenantId}/${uuid}`;
  await blobs.put(key, input.bytes, contentType);
  const [row] = await db
    .insert(media)
    .values({
      uuid,
      tenantId: input.tenantId,
      filename,
      contentType,
      size: input.bytes.byteLength,
      storageKey: key,
      inline: input.inline ?? false,
      contentId: input.contentId ?? null,
      messageId: input.messageId ?? null,
      uploadedBy: input.uploadedBy ?? null,
      expiresAt: input.expiresAt ?? null,
    })
    .returning({ id: media.id });
  return { id: row!.id, uuid, filename, contentType, size: input.bytes.byteLength };
}
