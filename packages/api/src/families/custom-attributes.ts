import {
  ATTRIBUTE_TARGETS,
  ATTRIBUTE_TYPES,
  createAttribute,
  getAttribute,
  listAttributes,
  updateAttribute,
} from "@helperiq/core/custom-attribute/index";
import { deleteAttribute } from "@helperiq/core/conversation/cascade";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { customAttribute } from "../responses/custom-attribute.ts";
import { done } from "../responses/scalars.ts";
import { idParam, validate } from "../validate.ts";

const attributeBody = z.object({
  applies_to: z.enum(ATTRIBUTE_TARGETS),
  name: z.string().trim().min(1, "required").max(140),
  key: z.string().regex(/^[a-z0-9_]{1,64}$/, "must be 1 to 64 characters of a-z, 0-9 and _"),
  description: z.string().trim().max(1000).optional(),
  type: z.enum(ATTRIBUTE_TYPES),
  values: z.array(z.string().trim().min(1, "must not be empty").max(140)).max(500).optional(),
  regex: z.string().max(500).nullable().optional(),
});
const attributeUpdate = attributeBody.partial().refine((b) => Object.keys(b).length > 0, "nothing to update");

/** Custom attribute definitions of contacts and conversations: any agent lists them; the rest needs manage. */
export const customAttributesFamily = new Hono<AppEnv>()
  .get(
    "/api/v1/custom-attributes",
    auth(),
    validate("query", z.object({ applies_to: z.enum(ATTRIBUTE_TARGETS).optional() })),
    responds(z.array(customAttribute)),
    async (c) => ok(c, await listAttributes(ctxOf(c), c.req.valid("query").applies_to)),
  )
  .post(
    "/api/v1/custom-attributes",
    auth("custom_attributes:manage"),
    validate("json", attributeBody),
    responds(customAttribute, 201),
    async (c) => ok(c, await createAttribute(ctxOf(c), c.req.valid("json")), 201),
  )
  .get(
    "/api/v1/custom-attributes/:id",
    auth("custom_attributes:manage"),
    validate("param", idParam),
    responds(customAttribute),
    async (c) => ok(c, await getAttribute(ctxOf(c), c.req.valid("param").id)),
  )
  .put(
    "/api/v1/custom-attributes/:id",
    auth("custom_attributes:manage"),
    validate("param", idParam),
    validate("json", attributeUpdate),
    responds(customAttribute),
    async (c) => ok(c, await updateAttribute(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete(
    "/api/v1/custom-attributes/:id",
    auth("custom_attributes:manage"),
    validate("param", idParam),
    responds(done),
    async (c) => {
      await deleteAttribute(ctxOf(c), c.req.valid("param").id);
      return ok(c, true);
    },
  );
