import { createView, deleteView, getView, listViews, updateView } from "@helperiq/core/view/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { done } from "../responses/scalars.ts";
import { savedView } from "../responses/view.ts";
import { idParam, validate } from "../validate.ts";

// Each filter is checked by the domain exactly as the conversation list compiles it (`filters[i]…`).
const viewBody = z.object({
  name: z.string().trim().min(1, "required").max(140),
  filters: z.array(z.unknown()),
});
const viewUpdate = viewBody.partial().refine((b) => Object.keys(b).length > 0, "nothing to update");

/** Personal views: every agent keeps their own; another agent's view is 404. */
const personalViews = new Hono<AppEnv>()
  .get("/api/v1/views/me", auth(), responds(z.array(savedView)), async (c) =>
    ok(c, await listViews(ctxOf(c), "personal")),
  )
  .post("/api/v1/views/me", auth(), validate("json", viewBody), responds(savedView, 201), async (c) =>
    ok(c, await createView(ctxOf(c), "personal", c.req.valid("json")), 201),
  )
  .put(
    "/api/v1/views/me/:id",
    auth(),
    validate("param", idParam),
    validate("json", viewUpdate),
    responds(savedView),
    async (c) => ok(c, await updateView(ctxOf(c), "personal", c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/views/me/:id", auth(), validate("param", idParam), responds(done), async (c) => {
    await deleteView(ctxOf(c), "personal", c.req.valid("param").id);
    return ok(c, true);
  });

/** Shared views: every agent reads them (/views/shared); shared_views:manage edits them. */
const sharedViews = new Hono<AppEnv>()
  .get("/api/v1/views/shared", auth(), responds(z.array(savedView)), async (c) =>
    ok(c, await listViews(ctxOf(c), "shared")),
  )
  .get("/api/v1/shared-views", auth("shared_views:manage"), responds(z.array(savedView)), async (c) =>
    ok(c, await listViews(ctxOf(c), "shared")),
  )
  .post(
    "/api/v1/shared-views",
    auth("shared_views:manage"),
    validate("json", viewBody),
    responds(savedView, 201),
    async (c) => ok(c, await createView(ctxOf(c), "shared", c.req.valid("json")), 201),
  )
  .get(
    "/api/v1/shared-views/:id",
    auth("shared_views:manage"),
    validate("param", idParam),
    responds(savedView),
    async (c) => ok(c, await getView(ctxOf(c), "shared", c.req.valid("param").id)),
  )
  .put(
    "/api/v1/shared-views/:id",
    auth("shared_views:manage"),
    validate("param", idParam),
    validate("json", viewUpdate),
    responds(savedView),
    async (c) => ok(c, await updateView(ctxOf(c), "shared", c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete(
    "/api/v1/shared-views/:id",
    auth("shared_views:manage"),
    validate("param", idParam),
    responds(done),
    async (c) => {
      await deleteView(ctxOf(c), "shared", c.req.valid("param").id);
      return ok(c, true);
    },
  );

/** Saved conversation views: named `filters` arrays, an agent's own or shared with every agent. */
export const viewsFamily = new Hono<AppEnv>().route("/", personalViews).route("/", sharedViews);
