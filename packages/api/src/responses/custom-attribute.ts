import { ATTRIBUTE_TARGETS, ATTRIBUTE_TYPES } from "@helperiq/core/custom-attribute/index";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A custom attribute definition (core/custom-attribute `attributeView`). */
export const customAttribute = z
  .object({
    id: int,
    applies_to: z.enum(ATTRIBUTE_TARGETS),
    name: z.string(),
    key: z.string().describe("The key its values are stored under in a contact's or conversation's custom_attributes."),
    description: z.string(),
    type: z.enum(ATTRIBUTE_TYPES),
    values: z.array(z.string()).describe("The choices of a list attribute."),
    regex: z.string().nullable().describe("A text attribute's values must match it."),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "CustomAttribute" });
