import { MACRO_CONTEXTS, MACRO_VISIBILITIES } from "@helperiq/core/macro/index";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A macro (core/macro `macroView`): reply text and conversation actions applied together. */
export const macro = z
  .object({
    id: int,
    name: z.string(),
    message_content: z.string().describe("HTML inserted into the reply editor."),
    visibility: z.enum(MACRO_VISIBILITIES),
    team_id: int.nullable(),
    user_id: int.nullable(),
    visible_when: z.array(z.enum(MACRO_CONTEXTS)),
    actions: z
      .array(z.object({ type: z.string(), value: z.unknown() }))
      .describe("Conversation changes, as saved: { type, value }."),
    usage_count: int,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Macro" });
