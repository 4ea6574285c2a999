import {
  AGENT_ORDER_KEYS,
  createAgent,
  deleteAgent,
  getAgent,
  issueAgentApiKey,
  listAgents,
  revokeAgentApiKey,
  updateAgent,
} from "@helperiq/core/agent/admin";
import { agentImport } from "@helperiq/core/agent/import";
import { issuePasswordToken } from "@helperiq/core/auth/password-reset";
import { WELCOME_TTL_MS } from "@helperiq/core/auth/password-reset-mail";
import { createImportJob, latestImportJob, MAX_IMPORT_BYTES } from "@helperiq/core/import/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../../context.ts";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { agent, issuedApiKey, revokedApiKeys } from "../../responses/agent.ts";
import { importJob } from "../../responses/import-job.ts";
import { page } from "../../responses/page.ts";
import { done } from "../../responses/scalars.ts";
import { queuePasswordMail } from "../../password-mail.ts";
import { csvUploadForm, uploadedFile, uploadLimit } from "../../upload.ts";
import { idNumber, idParam, pageQuery, validate } from "../../validate.ts";
import { newPassword, personName } from "./me.ts";

const agentBody = z.object({
  first_name: personName,
  last_name: z.string().trim().max(100).optional(),
  email: z.email().max(254),
  roles: z.array(z.string().min(1).max(140)).min(1, "an agent needs at least one role").max(50),
  teams: z
    .array(z.union([idNumber, z.string().min(1).max(140)]))
    .max(100)
    .optional(),
  enabled: z.boolean().optional(),
  password: newPassword.optional(),
  send_welcome_email: z.boolean().optional(),
});
const agentUpdate = agentBody.partial().refine((b) => Object.keys(b).length > 0, "nothing to update");

/** Agent administration (users:manage). Registered after /agents/me…, whose paths `:id` would otherwise take. */
export const agentAdminRoutes = new Hono<AppEnv>()
  .get(
    "/api/v1/agents",
    auth("users:manage"),
    validate(
      "query",
      pageQuery(AGENT_ORDER_KEYS, "first_name", "users").extend({
        q: z.string().max(100).optional().describe("Keeps agents whose full name or email contains this text."),
      }),
    ),
    responds(page(agent)),
    async (c) => {
      const q = c.req.valid("query");
      return ok(
        c,
        await listAgents(ctxOf(c), {
          page: q.page,
          pageSize: q.page_size,
          orderBy: q.order_by,
          order: q.order,
          search: q.q,
        }),
      );
    },
  )
  .post("/api/v1/agents", auth("users:manage"), validate("json", agentBody), responds(agent, 201), async (c) => {
    const { send_welcome_email, ...input } = c.req.valid("json");
    const ctx = ctxOf(c);
    const agent = await createAgent(ctx, input);
    if (send_welcome_email) {
      const { token } = await issuePasswordToken(ctx.db, {
        tenantId: ctx.tenantId,
        userId: agent.id,
        now: ctx.clock.now(),
        ttlMs: WELCOME_TTL_MS,
      });
      await queuePasswordMail(c, { kind: "welcome", to: agent.email, firstName: agent.first_name, token });
    }
    return ok(c, agent, 201);
  })
  .post(
    "/api/v1/agents/import",
    auth("users:manage"),
    uploadLimit(() => MAX_IMPORT_BYTES, csvUploadForm),
    responds(importJob, 202),
    async (c) => {
      const csv = await (await uploadedFile(c, MAX_IMPORT_BYTES)).text();
      return ok(c, await createImportJob(ctxOf(c), "agents", agentImport, csv), 202);
    },
  )
  .get("/api/v1/agents/import/status", auth("users:manage"), responds(importJob.nullable()), async (c) =>
    ok(c, await latestImportJob(ctxOf(c), "agents")),
  )
  .get("/api/v1/agents/:id", auth("users:manage"), validate("param", idParam), responds(agent), async (c) =>
    ok(c, await getAgent(ctxOf(c), c.req.valid("param").id)),
  )
  .put(
    "/api/v1/agents/:id",
    auth("users:manage"),
    validate("param", idParam),
    validate("json", agentUpdate),
    responds(agent),
    async (c) => ok(c, await updateAgent(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/agents/:id", auth("users:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteAgent(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  })
  .post(
    "/api/v1/agents/:id/api-key",
    auth("users:manage"),
    validate("param", idParam),
    responds(issuedApiKey, 201),
    async (c) => ok(c, await issueAgentApiKey(ctxOf(c), c.req.valid("param").id), 201),
  )
  .delete(
    "/api/v1/agents/:id/api-key",
    auth("users:manage"),
    validate("param", idParam),
    responds(revokedApiKeys),
    async (c) => ok(c, await revokeAgentApiKey(ctxOf(c), c.req.valid("param").id)),
  );
