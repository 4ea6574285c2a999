import { READ_ONLY } from "@helperiq/core/context/index";
import { findMedia, mayReadMedia, type MediaRecord } from "@helperiq/core/media/access";
import { isAvatarInUse } from "@helperiq/core/media/avatar";
import { contentDisposition, isInlineImage } from "@helperiq/core/media/disposition";
import { uploadMedia } from "@helperiq/core/media/upload";
import { verifyMediaSignature } from "@helperiq/core/media/url";
import { InputError, NotFoundError } from "@helperiq/core/errors/index";
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { mediaSettings, mediaUrlMaker } from "../media-url.ts";
import { agentOf, auth, identify } from "../middleware/auth.ts";
import { ok, responds, respondsRaw } from "../middleware/envelope.ts";
import { uploadedMedia } from "../responses/media.ts";
import { uploadedFile, uploadLimit } from "../upload.ts";

/** S3 mode: how long the presigned URL a GET redirects to lives; the browser follows it at once. */
export const PRESIGNED_URL_TTL_SECONDS = 600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Served files never run as a page of the app: no sub-resources, no script, an opaque origin. */
const SANDBOX = "default-src 'none'; sandbox";

/** GET /uploads/{uuid}: the bytes, or a redirect to them. */
const FILE_BYTES = {
  status: 200,
  contentType: "application/octet-stream",
  description: "The file's bytes, as its own type (304 when the ETag matches; in the cloud, 302 to S3).",
};

/** What the upload takes, for the OpenAPI document; the handler reads and checks the fields itself. */
const uploadForm = z.object({
  file: z.file().optional().describe("The file; at most MEDIA_MAX_BYTES (25 MB by default)."),
  files: z.file().optional().describe("LibreDesk's name for the same field; one of `file` and `files` is required."),
  inline: z
    .enum(["true", "false"])
    .optional()
    .describe("An image shown inside a message's HTML (PNG, JPEG, GIF, WebP, AVIF, BMP, ICO)."),
  linked_model: z
    .string()
    .optional()
    .describe("Sent by LibreDesk's UI and ignored: an upload is its uploader's alone until a message holds it."),
});

/**
 * Media: any agent uploads; files are fetched with a signed URL, or with the caller's
 * own session or API key under the visibility rule (media/access.ts); a profile picture in use by anyone
 * (media/avatar.ts). Everything else is 404, never 403, so a uuid's existence does not leak.
 */
export const mediaFamily = new Hono<AppEnv>()
  .post(
    "/api/v1/media",
    auth(),
    uploadLimit((c) => mediaSettings(c.get("deps").config).maxBytes, uploadForm),
    responds(uploadedMedia, 201),
    async (c) => {
      const { database, blobs, clock, config } = c.get("deps");
      const { maxBytes } = mediaSettings(config);
      const file = await uploadedFile(c, maxBytes, ["file", "files"]);
      const inline = inlineField((await c.req.parseBody()).inline);
      const upload = await uploadMedia(database.db, blobs, {
        tenantId: c.get("tenant").id,
        uploadedBy: agentOf(c).userId,
        filename: file.name,
        contentType: file.type,
        bytes: new Uint8Array(await file.arrayBuffer()),
        inline,
        now: clock.now(),
        maxBytes,
      });
      const { id, uuid, filename, content_type, size } = upload;
      return ok(c, { id, uuid, filename, content_type, size, url: mediaUrlMaker(c)(uuid), inline: upload.inline }, 201);
    },
  )
  .get("/uploads/:uuid", respondsRaw(FILE_BYTES), async (c) => {
    const uuid = c.req.param("uuid").toLowerCase();
    if (!UUID.test(uuid)) throw new NotFoundError("File");
    const access = await authorisedMedia(c, uuid);
    if (!access) throw new NotFoundError("File");
    return serve(c, access);
  });

function inlineField(value: unknown): boolean {
  if (value === undefined || value === "" || value === "false" || value === "0") return false;
  if (value === "true" || value === "1" || value === "on") return true;
  throw new InputError("inline: must be true or false");
}

type Access = { record: MediaRecord; signedUntil: number | null };

/** The media, if the request may have it: a valid signature of this workspace, or credentials that see it. */
async function authorisedMedia(c: Context<AppEnv>, uuid: string): Promise<Access | undefined> {
  const { database, secrets, clock } = c.get("deps");
  const tenantId = c.get("tenant").id;
  const now = clock.now();
  const sig = c.req.query("sig");
  const exp = c.req.query("exp");
  if (sig !== undefined && exp !== undefined && verifyMediaSignature(secrets, tenantId, uuid, exp, sig, now)) {
    const record = await findMedia(database.db, tenantId, uuid);
    return record && { record, signedUntil: Number(exp) };
  }
  const record = await findMedia(database.db, tenantId, uuid);
  if (!record) return undefined;
  // A profile picture in use is shown to agents and live-chat visitors alike (media/avatar.ts).
  if (await isAvatarInUse(database.db, tenantId, record)) return { record, signedUntil: null };
  // A bad or expired signature is no identity, but the caller's own credentials may still do.
  const actor = await identify(c);
  if (!actor || !(await mayReadMedia({ db: database.db, tenantId, actor, clock, ...READ_ONLY }, record)))
    return undefined;
  return { record, signedUntil: null };
}

async function serve(c: Context<AppEnv>, { record, signedUntil }: Access) {
  const { blobs, clock } = c.get("deps");
  const attachment = !isInlineImage(record.contentType);
  const disposition = contentDisposition(record.filename, attachment);
  if (blobs.presignedGetUrl) {
    // S3 serves the bytes (with this disposition); the redirect itself must not be cached past its URL.
    const location = await blobs.presignedGetUrl(record.storageKey, {
      expiresInSeconds: PRESIGNED_URL_TTL_SECONDS,
      filename: record.filename,
      attachment,
    });
    c.header("Cache-Control", "private, no-store");
    c.header("Referrer-Policy", "no-referrer");
    return c.redirect(location, 302);
  }
  const etag = `"${record.uuid}"`;
  const headers: Record<string, string> = {
    "Content-Disposition": disposition,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": SANDBOX,
    ETag: etag,
    // A uuid's bytes never change. A signed URL may be cached until it expires; a file fetched with
    // credentials is revalidated (304) so access that ended is noticed.
    "Cache-Control":
      signedUntil !== null
        ? `private, max-age=${Math.max(0, Math.min(86_400, signedUntil - Math.floor(clock.now().getTime() / 1000)))}, immutable`
        : "private, no-cache",
  };
  if (signedUntil === null) headers.Vary = "Cookie, Authorization";
  if (
    c.req
      .header("if-none-match")
      ?.split(",")
      .some((tag) => tag.trim().replace(/^W\//, "") === etag)
  ) {
    return c.body(null, 304, headers);
  }
  const blob = await blobs.get(record.storageKey);
  if (!blob) throw new NotFoundError("File");
  return c.body(blob.body as Uint8Array<ArrayBuffer>, 200, {
    ...headers,
    "Content-Type": record.contentType,
    "Content-Length": String(blob.body.byteLength),
  });
}
