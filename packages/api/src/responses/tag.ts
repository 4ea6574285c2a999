import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A conversation tag (core/tag `tagView`). */
export const tag = z
  .object({ id: int, name: z.string(), created_at: timestamp, updated_at: timestamp })
  .meta({ id: "Tag" });
