import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A conversation status (core/status `statusView`). */
export const status = z
  .object({
    id: int,
    name: z.string(),
    color: z.string(),
    system: z
      .boolean()
      .describe(
        "One of the built-in statuses (Open, Snoozed, Resolved, Closed, Spam, Trashed), which cannot be deleted.",
      ),
    sort_order: int,
    show_on_send: z.boolean().describe('Whether the reply box\'s "send and set status" menu offers it.'),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Status" });

export const priority = z.object({ id: int, name: z.string() }).meta({ id: "Priority" });
