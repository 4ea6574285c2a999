import { InputError } from "@helperiq/core/errors/index";
import { describeBytes } from "@helperiq/core/media/limits";
import type { Context } from "hono";

/** The multipart `file` field of an upload, with a size cap checked before it is read into memory. */
export async function uploadedFile(c: Context, maxBytes: number): Promise<File> {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("multipart/form-data")) throw new InputError("file: send multipart/form-data with a file field");
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > maxBytes + 64 * 1024) throw new InputError(`file: larger than the limit of ${describeBytes(maxBytes)}`);
  const body = await c.req.parseBody().catch(() => {
    throw new InputError("file: malformed multipart body");
  });
  const file = body.file;
  if (!(file instanceof File)) throw new InputError("file: required");
  if (file.size > maxBytes) throw new InputError(`file: larger than the limit of ${describeBytes(maxBytes)}`);
  return file;
}
