import { createWorkspace } from "@helperiq/core/platform/create";
import { suspendInput, workspaceCreateInput, workspaceUpdateInput } from "@helperiq/core/platform/input";
import {
  requestWorkspaceDeletion,
  resumeWorkspace,
  suspendWorkspace,
  updateWorkspace,
} from "@helperiq/core/platform/lifecycle";
import { getWorkspace, listWorkspaces } from "@helperiq/core/platform/list";
import { TENANT_STATUSES } from "@helperiq/core/tenant/tenant.sql";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { linkRouting } from "../../origin.ts";
import { operatorHosts } from "./access.ts";
import { slugParam } from "./workspace-param.ts";
import { page } from "../../responses/page.ts";
import { createdWorkspace, deletionAccepted, workspace } from "../../responses/workspace.ts";
import { pageQuery, validate } from "../../validate.ts";

/** The operator's workspace lifecycle (core/platform): create, list, show, update, suspend, resume, delete. */
export const workspaceRoutes = new Hono<AppEnv>()
  .post(
    "/platform/v1/workspaces",
    validate("json", workspaceCreateInput),
    responds(createdWorkspace, 201),
    async (c) => {
      const input = c.req.valid("json");
      c.set("platformAudit", { slug: input.slug, detail: { plan: input.plan ?? null, admin: input.admin.email } });
      const { database, clock, queue, config } = c.get("deps");
      // The set-password link always goes through the system mail queue (logged when no SMTP is configured).
      const created = await createWorkspace(
        { db: database.db, clock, queue, links: linkRouting(config), reservedHosts: operatorHosts(config) },
        input,
      );
      return ok(c, created, 201);
    },
  )
  .get(
    "/platform/v1/workspaces",
    validate(
      "query",
      pageQuery(["slug"], "slug").extend({
        q: z.string().max(253).optional().describe("Keeps workspaces whose slug, name or a domain contains this text."),
        status: z.enum(TENANT_STATUSES).optional(),
      }),
    ),
    responds(page(workspace)),
    async (c) => {
      const q = c.req.valid("query");
      const { database } = c.get("deps");
      return ok(
        c,
        await listWorkspaces(database.db, { page: q.page, pageSize: q.page_size, search: q.q, status: q.status }),
      );
    },
  )
  .get("/platform/v1/workspaces/:slug", validate("param", slugParam), responds(workspace), async (c) =>
    ok(c, await getWorkspace(c.get("deps").database.db, c.req.valid("param").slug)),
  )
  .put(
    "/platform/v1/workspaces/:slug",
    validate("param", slugParam),
    validate("json", workspaceUpdateInput),
    responds(workspace),
    async (c) => {
      const input = c.req.valid("json");
      c.set("platformAudit", { detail: input });
      const { database, clock } = c.get("deps");
      return ok(c, await updateWorkspace({ db: database.db, clock }, c.req.valid("param").slug, input));
    },
  )
  .delete("/platform/v1/workspaces/:slug", validate("param", slugParam), responds(deletionAccepted, 202), async (c) => {
    const { database, clock, sockets } = c.get("deps");
    const accepted = await requestWorkspaceDeletion(
      { db: database.db, clock, sockets },
      c.req.valid("param").slug,
      "platform",
    );
    c.set("platformAudit", { detail: { job: accepted.job.id } });
    return ok(c, accepted, 202);
  })
  .post(
    "/platform/v1/workspaces/:slug/suspend",
    validate("param", slugParam),
    validate("json", suspendInput),
    responds(workspace),
    async (c) => {
      const { reason } = c.req.valid("json");
      c.set("platformAudit", { detail: { reason: reason ?? null } });
      const { database, clock, sockets } = c.get("deps");
      return ok(c, await suspendWorkspace({ db: database.db, clock, sockets }, c.req.valid("param").slug, reason));
    },
  )
  .post("/platform/v1/workspaces/:slug/resume", validate("param", slugParam), responds(workspace), async (c) => {
    const { database, clock } = c.get("deps");
    return ok(c, await resumeWorkspace({ db: database.db, clock }, c.req.valid("param").slug));
  });
