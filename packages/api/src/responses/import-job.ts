import { IMPORT_KINDS, IMPORT_STATUSES } from "@helperiq/core/import/index";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A CSV import running in the background (core/import `importJobView`). */
export const importJob = z
  .object({
    id: int,
    kind: z.enum(IMPORT_KINDS),
    status: z.enum(IMPORT_STATUSES),
    total: int.describe("Data rows in the file."),
    completed: int.describe("Rows imported so far."),
    errored: int.describe("Rows refused."),
    errors: z
      .array(z.object({ row: int, message: z.string() }))
      .describe("The refused rows (by line of the file) and why."),
    failure: z.string().nullable().describe("Why the whole import failed, when it did."),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
  })
  .meta({ id: "ImportJob" });
