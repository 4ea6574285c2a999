import { z } from "zod";
import { int, jsonObject, timestamp } from "./scalars.ts";

/** A contact (core/contact `ContactView`) and its email addresses and phone numbers. */
export const contact = z
  .object({
    id: int,
    first_name: z.string(),
    last_name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    avatar_url: z.string().nullable(),
    blocked: z.boolean(),
    enabled: z.boolean().describe("LibreDesk's name for the same fact: a blocked contact is not enabled."),
    custom_attributes: jsonObject,
    channels: z.array(z.object({ id: int, kind: z.enum(["email", "phone"]), value: z.string() })),
    created_at: timestamp.nullable(),
    updated_at: timestamp.nullable(),
  })
  .meta({ id: "Contact" });

/** An agent's note on a contact (core/contact `NoteView`). */
export const contactNote = z
  .object({
    id: int,
    note: z.string().describe("Plain text as typed: escape it when rendering."),
    user: z
      .object({ id: int, first_name: z.string(), last_name: z.string() })
      .nullable()
      .describe("Its author, unless deleted since."),
    created_at: timestamp.nullable(),
  })
  .meta({ id: "ContactNote" });
