import { deleteTeam } from "@helperiq/core/conversation/cascade";
import { createTeam, getTeam, listTeams, updateTeam } from "@helperiq/core/team/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../../context.ts";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { done } from "../../responses/scalars.ts";
import { team } from "../../responses/team.ts";
import { idNumber, idParam, timeZone, validate } from "../../validate.ts";

const teamBody = z.object({
  name: z.string().trim().min(1, "required").max(140),
  emoji: z.string().max(16).optional(),
  timezone: timeZone.nullable().optional(),
  members: z.array(idNumber).max(1000).optional(),
});
const teamUpdate = teamBody.partial().refine((b) => Object.keys(b).length > 0, "nothing to update");

/** Teams (teams:manage); `members` replaces the whole set. Registered after /teams/compact. */
export const teamRoutes = new Hono<AppEnv>()
  .get("/api/v1/teams", auth("teams:manage"), responds(z.array(team)), async (c) => ok(c, await listTeams(ctxOf(c))))
  .post("/api/v1/teams", auth("teams:manage"), validate("json", teamBody), responds(team, 201), async (c) =>
    ok(c, await createTeam(ctxOf(c), c.req.valid("json")), 201),
  )
  .get("/api/v1/teams/:id", auth("teams:manage"), validate("param", idParam), responds(team), async (c) =>
    ok(c, await getTeam(ctxOf(c), c.req.valid("param").id)),
  )
  .put(
    "/api/v1/teams/:id",
    auth("teams:manage"),
    validate("param", idParam),
    validate("json", teamUpdate),
    responds(team),
    async (c) => ok(c, await updateTeam(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/teams/:id", auth("teams:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteTeam(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  });
