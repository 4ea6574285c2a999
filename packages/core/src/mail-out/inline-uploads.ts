import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { media } from "../media/media.sql.ts";
import { uploadImageUuids } from "./inline-images.ts";

/**
 * Uploads the message's HTML shows inline (`<img src="…/uploads/{uuid}…">`) that the caller uploaded and
 * no message holds yet, besides those already listed in `attachments` (`taken`): the reply attaches them,
 * so the stored message keeps its images (no orphan cleanup) and the delivery embeds them as CID parts.
 * Other images (an earlier message's, another agent's upload, unknown uuids) are left as they are.
 */
export async function inlineUploadIds(ctx: Ctx, html: string, uploaderId: number, taken: readonly number[]): Promise<number[]> {
  const uuids = uploadImageUuids(html);
  if (uuids.length === 0) return [];
  const rows = await ctx.db
    .select({ id: media.id })
    .from(media)
    .where(and(eq(media.tenantId, ctx.tenantId), inArray(media.uuid, uuids), isNull(media.messageId), eq(media.uploadedBy, uploaderId)));
  return rows.map((r) => r.id).filter((id) => !taken.includes(id));
}
