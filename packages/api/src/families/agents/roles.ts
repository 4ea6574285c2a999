import { createRole, deleteRole, getRole, listRoles, updateRole } from "@helperiq/core/role/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../../context.ts";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { role } from "../../responses/role.ts";
import { done } from "../../responses/scalars.ts";
import { idParam, validate } from "../../validate.ts";

const roleBody = z.object({
  name: z.string().trim().min(1, "required").max(140),
  description: z.string().max(1000).optional(),
  permissions: z.array(z.string().max(100)).max(100),
});
const roleUpdate = roleBody.partial().refine((b) => Object.keys(b).length > 0, "nothing to update");

/** Roles (roles:manage): named permission sets; permission strings are checked against the known list. */
export const roleRoutes = new Hono<AppEnv>()
  .get("/api/v1/roles", auth("roles:manage"), responds(z.array(role)), async (c) => ok(c, await listRoles(ctxOf(c))))
  .post("/api/v1/roles", auth("roles:manage"), validate("json", roleBody), responds(role, 201), async (c) =>
    ok(c, await createRole(ctxOf(c), c.req.valid("json")), 201),
  )
  .get("/api/v1/roles/:id", auth("roles:manage"), validate("param", idParam), responds(role), async (c) =>
    ok(c, await getRole(ctxOf(c), c.req.valid("param").id)),
  )
  .put(
    "/api/v1/roles/:id",
    auth("roles:manage"),
    validate("param", idParam),
    validate("json", roleUpdate),
    responds(role),
    async (c) => ok(c, await updateRole(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/roles/:id", auth("roles:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteRole(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  });
