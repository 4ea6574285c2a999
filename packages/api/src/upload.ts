import { InputError } from "@helperiq/core/errors/index";
import { describeBytes } from "@helperiq/core/media/limits";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { z, type ZodType } from "zod";
import type { AppEnv } from "./env.ts";
import { withMeta } from "./route-meta.ts";
import { assertStorableInput } from "./validate.ts";

/** Room for the multipart framing around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

const tooLarge = (field: string, maxBytes: number) =>
  new InputError(`${field}: larger than the limit of ${describeBytes(maxBytes)}`);

/**
 * The middleware of every multipart upload route: refuses a body over `maxBytes` (plus framing) while it
 * streams in, before multipart parsing buffers it — with or without a Content-Length — as `400 <field>`.
 * `form` documents the fields in the OpenAPI document; the handler reads and checks them itself.
 */
export function uploadLimit(maxBytesOf: (c: Context<AppEnv>) => number, form: ZodType, field = "file") {
  const middleware = createMiddleware<AppEnv>((c, next) => {
    const maxBytes = maxBytesOf(c);
    return bodyLimit({
      maxSize: maxBytes + MULTIPART_OVERHEAD,
      onError: () => {
        throw tooLarge(field, maxBytes);
      },
    })(c, next);
  });
  return withMeta(middleware, { kind: "validate", target: "form", schema: form });
}

/** The form of the CSV import routes (tags, agents). */
export const csvUploadForm = z.object({ file: z.file().describe("A CSV file with a header row.") });

/**
 * The file of an upload (behind `uploadLimit`), checked against the same cap: the first of `fields` that
 * holds one (`POST /media` takes HelperIQ's `file` and LibreDesk's `files`); errors name the first field.
 */
export async function uploadedFile(
  c: Context,
  maxBytes: number,
  fields: readonly [string, ...string[]] = ["file"],
): Promise<File> {
  const [field] = fields;
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("multipart/form-data"))
    throw new InputError(`${field}: send multipart/form-data with a ${field} field`);
  const body = await c.req.parseBody().catch(() => {
    throw new InputError(`${field}: malformed multipart body`);
  });
  assertStorableInput(body);
  const file = fields.map((name) => body[name]).find((value) => value instanceof File);
  if (!(file instanceof File))
    throw new InputError(`${field}: required${fields.length > 1 ? ` (a file in ${fields.join(" or ")})` : ""}`);
  if (file.size > maxBytes) throw tooLarge(field, maxBytes);
  return file;
}
