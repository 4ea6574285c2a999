import { InputError } from "../errors/index.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";
import { isInlineImage } from "./disposition.ts";
import { DEFAULT_MEDIA_MAX_BYTES, describeBytes } from "./limits.ts";
import { describeMedia, storeMedia } from "./store.ts";

/**
 * An upload no message holds this long after it was made is deleted (media/cleanup.ts): long enough for a
 * reply drafted on Friday evening and sent on Monday morning.
 */
export const ORPHAN_UPLOAD_TTL_HOURS = 72;

export type UploadInput = {
  tenantId: number;
  /** The agent (or widget contact) uploading: the only one who sees the file until it is attached. */
  uploadedBy: number;
  filename: string;
  /** As the client declared it; the stored type is sniffed. */
  contentType: string;
  bytes: Uint8Array;
  inline?: boolean | undefined;
  now: Date;
  maxBytes?: number | undefined;
};

/**
 * An upload as the API returns it, without its `url` (signed per request by the API). `id` is what
 * LibreDesk's UI lists as a reply's attachments; `uuid` what HelperIQ's `{media_uuid}` names.
 */
export type MediaUpload = {
  id: number;
  uuid: string;
  filename: string;
  content_type: string;
  size: number;
  inline: boolean;
};

/**
 * Bytes a user uploads (`POST /api/v1/media`, the widget's upload): stored unattached, seen only by the
 * uploader until a message holds them, deleted if none does within ORPHAN_UPLOAD_TTL_HOURS.
 * `inline` is for images shown in a message's HTML; anything else is 400.
 */
export async function uploadMedia(db: Db, blobs: BlobStore, input: UploadInput): Promise<MediaUpload> {
  const max = input.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES;
  if (input.bytes.byteLength === 0) throw new InputError("file: is empty");
  if (input.bytes.byteLength > max) throw new InputError(`file: larger than the limit of ${describeBytes(max)}`);
  const inline = input.inline ?? false;
  if (inline && !isInlineImage((await describeMedia(input)).contentType)) {
    throw new InputError("inline: only PNG, JPEG, GIF, WebP, AVIF, BMP or ICO images can be inline");
  }
  const stored = await storeMedia(db, blobs, {
    tenantId: input.tenantId,
    filename: input.filename,
    contentType: input.contentType,
    bytes: input.bytes,
    inline,
    uploadedBy: input.uploadedBy,
    expiresAt: new Date(input.now.getTime() + ORPHAN_UPLOAD_TTL_HOURS * 3600_000),
  });
  return {
    id: stored.id,
    uuid: stored.uuid,
    filename: stored.filename,
    content_type: stored.contentType,
    size: stored.size,
    inline,
  };
}
