import type { ContactCtx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import type { LivechatInbox } from "../inbox/livechat-config.ts";
import { uploadMedia } from "../media/upload.ts";
import type { BlobStore } from "../port/blob-store.ts";
import { addIncoming, ownConversationId } from "./conversations.ts";

export type WidgetFile = { filename: string; contentType: string; bytes: Uint8Array };

/**
 * `POST /api/v1/widget/media/upload` (LibreDesk's): a file the visitor sends into one of their
 * conversations becomes an incoming message holding it. The bytes go through the media domain's upload
 * (size limit, sniffed type, sanitised name); the message and its attachment are written in one
 * transaction, so a failure leaves at most an unattached upload, which the orphan cleanup deletes.
 */
export async function sendWidgetFile(
  ctx: ContactCtx,
  blobs: BlobStore,
  inbox: LivechatInbox,
  conversationUuid: string,
  file: WidgetFile,
  limits: { maxBytes: number; allowedExtensions: string[] },
): Promise<{ messageId: number; messageUuid: string }> {
  if (!inbox.config.file_upload) throw new InputError("files: this chat does not accept files");
  // The conversation is checked before any byte is stored.
  await ownConversationId(ctx, conversationUuid);
  const extension = /\.([A-Za-z0-9]{1,16})$/.exec(file.filename)?.[1]?.toLowerCase() ?? "";
  const allowed = limits.allowedExtensions.map((e) => e.toLowerCase().replace(/^\./, ""));
  if (!allowed.includes("*") && !allowed.includes(extension))
    throw new InputError(`files: .${extension || "(none)"} files are not allowed`);
  const upload = await uploadMedia(ctx.db, blobs, {
    tenantId: ctx.tenantId,
    uploadedBy: ctx.actor.contactId,
    filename: file.filename,
    contentType: file.contentType,
    bytes: file.bytes,
    now: ctx.clock.now(),
    maxBytes: limits.maxBytes,
  }).catch((err: unknown) => {
    // The media domain names its field `file`; this endpoint's is LibreDesk's `files`.
    if (err instanceof InputError) throw new InputError(err.message.replace(/^file:/, "files:"));
    throw err;
  });
  return addIncoming(ctx, conversationUuid, {
    body: { content: "", textContent: "" },
    preview: upload.filename,
    mediaIds: [upload.id],
  });
}
