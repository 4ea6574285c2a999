import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A saved conversation view (core/view `savedView`): a named `filters` array, personal or shared. */
export const savedView = z
  .object({
    id: int,
    name: z.string(),
    filters: z.array(z.unknown()).describe("The conversation list's filters, as the list query takes them."),
    visibility: z.enum(["user", "all"]).describe("user: one agent's personal view; all: shared with the workspace."),
    user_id: int.nullable().describe("The owner of a personal view; who created a shared one."),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "SavedView" });
