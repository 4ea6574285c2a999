import { z } from "zod";

/**
 * Fields of LibreDesk's multipart forms (contact edit, profile). Its UI builds them with FormData, which
 * turns a value that is not set into the text "undefined" and null into "null" (axios sends null as ""):
 * "undefined" is a field not sent, "null" and "" are no value — null where the field can be empty, else ""
 * (so a required field says "required").
 */
export function formField<T extends z.ZodType>(schema: T, empty: null | "" = null) {
  return z.preprocess(
    (value) => (value === "undefined" ? undefined : value === "null" || value === "" ? empty : value),
    schema.optional(),
  );
}

/** A boolean sent as the text "true" or "false". */
export const formBoolean = formField(
  z.enum(["true", "false"], "must be true or false").transform((v) => v === "true"),
  "",
);

/** A file field: a file part, or "null"/"" for none (the UI's way of removing a picture). */
export const formFile = (description: string) => formField(z.file().nullable()).describe(description);
