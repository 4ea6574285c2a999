import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { uploadImageUuids } from "./inline-images.ts";
import { media } from "./media.sql.ts";

/** An upload a message should hold: HelperIQ's `{media_uuid}`, or the numeric id LibreDesk's UI lists. */
export type Attachment = { media_uuid: string } | number;

/**
 * Upload ids of `attachments`, by uuid or by id: `uploader`'s own uploads in this workspace that no message
 * holds yet (an unattached upload is visible to its uploader only, so another agent's, or another
 * workspace's, is as unknown as a made-up one). 400 naming the entry otherwise, or when one is listed twice.
 */
export async function listedUploads(
  ctx: Pick<Ctx, "db" | "tenantId">,
  attachments: readonly Attachment[],
  uploader: number,
): Promise<number[]> {
  if (attachments.length === 0) return [];
  const keys = attachments.map((a) => (typeof a === "number" ? a : a.media_uuid.toLowerCase()));
  const uuids = keys.filter((k): k is string => typeof k === "string");
  const ids = keys.filter((k): k is number => typeof k === "number");
  const byKey = or(
    uuids.length ? inArray(media.uuid, uuids) : undefined,
    ids.length ? inArray(media.id, ids) : undefined,
  );
  const rows = await ctx.db
    .select({ id: media.id, uuid: media.uuid })
    .from(media)
    .where(and(eq(media.tenantId, ctx.tenantId), byKey, isNull(media.messageId), eq(media.uploadedBy, uploader)));
  const found = keys.map((key, i) => {
    const field = typeof key === "number" ? `attachments[${i}]` : `attachments[${i}].media_uuid`;
    const row = rows.find((r) => (typeof key === "number" ? r.id === key : r.uuid === key));
    if (!row)
      throw new InputError(`${field}: no unattached upload with this ${typeof key === "number" ? "id" : "uuid"}`);
    return { field, id: row.id };
  });
  return found.map(({ field, id }, i) => {
    // The same upload named twice, by the same or by both of its names.
    if (found.findIndex((f) => f.id === id) !== i) throw new InputError(`${field}: listed twice`);
    return id;
  });
}

/**
 * Uploads the message's HTML shows inline (`<img src="…/uploads/{uuid}…">`) that `uploader` uploaded and
 * no message holds yet, besides those already listed (`taken`): the message holds them too, so the stored
 * message keeps its images (no orphan cleanup) and the delivery embeds them as CID parts. Other images (an
 * earlier message's, another agent's upload, unknown uuids) are left as they are.
 */
export async function inlineUploadIds(
  ctx: Pick<Ctx, "db" | "tenantId">,
  html: string,
  uploader: number,
  taken: readonly number[],
): Promise<number[]> {
  const uuids = uploadImageUuids(html);
  if (uuids.length === 0) return [];
  const rows = await ctx.db
    .select({ id: media.id })
    .from(media)
    .where(
      and(
        eq(media.tenantId, ctx.tenantId),
        inArray(media.uuid, uuids),
        isNull(media.messageId),
        eq(media.uploadedBy, uploader),
      ),
    );
  return rows.map((r) => r.id).filter((id) => !taken.includes(id));
}

/**
 * Makes `messageId` hold the files `mediaIds` (checked uploads, or parts an import just stored), inside the
 * transaction that writes the message. Only files no message holds are taken: a 400 when another message
 * took one since it was checked.
 */
export async function attachUploads(
  tx: Db,
  tenantId: number,
  messageId: number,
  mediaIds: readonly number[],
): Promise<void> {
  if (mediaIds.length === 0) return;
  const attached = await tx
    .update(media)
    .set({ messageId })
    .where(and(eq(media.tenantId, tenantId), inArray(media.id, [...mediaIds]), isNull(media.messageId)))
    .returning({ id: media.id });
  if (attached.length !== mediaIds.length)
    throw new InputError("attachments: an upload is already attached to a message");
}
