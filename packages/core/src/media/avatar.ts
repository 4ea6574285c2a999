import { and, eq, isNull } from "drizzle-orm";
import { InputError } from "../errors/index.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import type { MediaRecord } from "./access.ts";
import { describeBytes } from "./limits.ts";
import { media } from "./media.sql.ts";
import { describeMedia, storeMedia } from "./store.ts";
import { ORPHAN_UPLOAD_TTL_HOURS } from "./upload.ts";

/**
 * Uploaded profile pictures of agents and contacts (LibreDesk's avatar upload). The bytes are media like any
 * other, with two differences: no message ever holds them and no agent is their uploader (so they can never
 * be sent as an attachment), and `users.avatar_url` holds their path `/uploads/<uuid>`. While a user's
 * avatar_url names it, the file is served to anyone with its (unguessable) URL, as a profile picture shown to
 * agents and to live-chat visitors must be (media family, `GET /uploads/{uuid}`). Replaced or removed, it is
 * released to the orphan cleanup (media/cleanup.ts), which deletes row and bytes.
 */
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;
const AVATAR_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const AVATAR_PATH = /^\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const avatarPath = (uuid: string) => `/uploads/${uuid}`;

/** The media uuid of an uploaded avatar's path; null for any other URL (an external picture, or none). */
export function uploadedAvatarUuid(url: string | null | undefined): string | null {
  return (url && AVATAR_PATH.exec(url)?.[1]) || null;
}

export type AvatarFile = { filename: string; contentType: string; bytes: Uint8Array };

/**
 * Checks and stores a picture as an avatar not yet in use: a PNG, JPEG, GIF or WebP image (by its bytes) of at
 * most AVATAR_MAX_BYTES, else `400 <field>`. It expires like an unattached upload until `swapAvatar` puts it in
 * use, so a write that fails after this leaves nothing behind for long. Returns its uuid.
 */
export async function storeAvatar(
  db: Db,
  blobs: BlobStore,
  input: AvatarFile & { tenantId: number; now: Date; field: string },
): Promise<string> {
  if (input.bytes.byteLength === 0) throw new InputError(`${input.field}: is empty`);
  if (input.bytes.byteLength > AVATAR_MAX_BYTES)
    throw new InputError(`${input.field}: larger than the limit of ${describeBytes(AVATAR_MAX_BYTES)}`);
  const { contentType } = await describeMedia(input);
  if (!AVATAR_TYPES.has(contentType)) throw new InputError(`${input.field}: must be a PNG, JPEG, GIF or WebP image`);
  const stored = await storeMedia(db, blobs, {
    tenantId: input.tenantId,
    filename: input.filename,
    contentType: input.contentType,
    bytes: input.bytes,
    inline: true,
    expiresAt: new Date(input.now.getTime() + ORPHAN_UPLOAD_TTL_HOURS * 3600_000),
  });
  return stored.uuid;
}

/**
 * Inside the transaction that changes a user's avatar_url from `previous` to `next`: an uploaded avatar named
 * by `next` is taken into use (no longer expires), and one named by `previous` alone is released to the orphan
 * cleanup. A `next` that is not an avatar stored by `storeAvatar` in this workspace is a bug of the caller.
 */
export async function swapAvatar(
  tx: Db,
  tenantId: number,
  previous: string | null,
  next: string | null,
  now: Date,
): Promise<void> {
  if (previous === next) return;
  const claimed = uploadedAvatarUuid(next);
  if (claimed) {
    const rows = await tx
      .update(media)
      .set({ expiresAt: null })
      .where(and(avatarMedia(tenantId), eq(media.uuid, claimed)))
      .returning({ id: media.id });
    if (rows.length !== 1) throw new Error(`avatar ${claimed} is not a stored avatar of workspace ${tenantId}`);
  }
  const released = uploadedAvatarUuid(previous);
  if (released)
    await tx
      .update(media)
      .set({ expiresAt: now })
      .where(and(avatarMedia(tenantId), eq(media.uuid, released)));
}

const avatarMedia = (tenantId: number) =>
  and(eq(media.tenantId, tenantId), isNull(media.messageId), isNull(media.uploadedBy));

/** Whether `record` is an uploaded avatar some user of the workspace shows now (then anyone may fetch it). */
export async function isAvatarInUse(db: Db, tenantId: number, record: MediaRecord): Promise<boolean> {
  if (record.messageId !== null || record.uploadedBy !== null) return false;
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.avatarUrl, avatarPath(record.uuid))))
    .limit(1);
  return row !== undefined;
}
