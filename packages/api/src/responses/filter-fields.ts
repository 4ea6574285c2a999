import { ATTRIBUTE_TYPES } from "@helperiq/core/custom-attribute/index";
import { CONVERSATION_ORDER_KEYS } from "@helperiq/core/conversation/list";
import { OPERATORS } from "@helperiq/core/filter/index";
import { z } from "zod";

const filterOption = z
  .object({
    value: z
      .union([z.string(), z.int()])
      .describe("What the filter's `value` holds for this choice (an id or a name)."),
    label: z.string().describe("What people call it."),
  })
  .meta({ id: "FilterOption" });

/** One filterable conversation field (core/filter-fields). */
const filterField = z
  .object({
    field: z.string().describe("The `field` of a filter: a column, or `custom_attributes.<key>`."),
    type: z.enum(["number", "text", "date", "boolean", "set"]),
    operators: z.array(z.enum(OPERATORS)).describe("The operators this field takes."),
    options: z
      .array(filterOption)
      .optional()
      .describe(
        "The workspace's values of a reference field (statuses, agents, teams, inboxes, tags, list attributes).",
      ),
    label: z.string().optional().describe("A custom attribute's name."),
    attribute_type: z.enum(ATTRIBUTE_TYPES).optional().describe("A custom attribute's own type (compared as text)."),
  })
  .meta({ id: "ConversationFilterField" });

/** What conversation lists take in `filters` and `order_by`. */
export const conversationFilterFields = z
  .object({
    fields: z.array(filterField),
    order_by: z.array(z.enum(CONVERSATION_ORDER_KEYS)),
  })
  .meta({ id: "ConversationFilterFields" });
