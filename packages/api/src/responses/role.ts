import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A role (core/role `roleView`): a named permission set; `agent_count` in the list. */
export const role = z
  .object({
    id: int,
    name: z.string(),
    description: z.string(),
    permissions: z.array(z.string()),
    system: z.boolean().describe("A built-in role."),
    agent_count: int.optional(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Role" });
