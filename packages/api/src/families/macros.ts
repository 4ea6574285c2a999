import {
  createMacro,
  deleteMacro,
  getMacro,
  listMacros,
  MACRO_CONTEXTS,
  MACRO_VISIBILITIES,
  MAX_MACRO_ACTIONS,
  updateMacro,
} from "@helperiq/core/macro/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { macro } from "../responses/macro.ts";
import { done } from "../responses/scalars.ts";
import { idNumber, idParam, validate } from "../validate.ts";

// Types and values are checked by the domain, which names `actions[i].type` / `actions[i].value`.
const action = z.object({ type: z.string().max(64), value: z.unknown().optional() });

const macroBody = z.object({
  name: z.string().trim().min(1, "required").max(140),
  message_content: z.string().max(5000).optional(),
  visibility: z.enum(MACRO_VISIBILITIES).optional(),
  team_id: idNumber.nullable().optional(),
  visible_when: z.array(z.enum(MACRO_CONTEXTS)).max(10).optional(),
  actions: z.array(action).max(MAX_MACRO_ACTIONS).optional(),
});
const macroUpdate = macroBody.partial().refine((b) => Object.keys(b).length > 0, "nothing to update");

/**
 * Macros. Any signed-in agent lists the macros they may use; the rest
 * needs macros:manage. Another agent's personal macro is 404 to everyone (the domain's visibility rule).
 */
export const macrosFamily = new Hono<AppEnv>()
  .get("/api/v1/macros", auth(), responds(z.array(macro)), async (c) => ok(c, await listMacros(ctxOf(c))))
  .post("/api/v1/macros", auth("macros:manage"), validate("json", macroBody), responds(macro, 201), async (c) =>
    ok(c, await createMacro(ctxOf(c), c.req.valid("json")), 201),
  )
  .get("/api/v1/macros/:id", auth("macros:manage"), validate("param", idParam), responds(macro), async (c) =>
    ok(c, await getMacro(ctxOf(c), c.req.valid("param").id)),
  )
  .put(
    "/api/v1/macros/:id",
    auth("macros:manage"),
    validate("param", idParam),
    validate("json", macroUpdate),
    responds(macro),
    async (c) => ok(c, await updateMacro(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/macros/:id", auth("macros:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteMacro(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  });
