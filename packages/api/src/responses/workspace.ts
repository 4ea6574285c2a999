import type { CreatedWorkspace } from "@helperiq/core/platform/create";
import type { WorkspaceWithUsage } from "@helperiq/core/platform/list";
import type { PurgeJobView } from "@helperiq/core/platform/lifecycle";
import { TENANT_STATUSES } from "@helperiq/core/tenant/tenant.sql";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** TenantLimits: an absent key is unlimited. */
export const workspaceLimits = z
  .object({
    agents: int.optional(),
    inboxes: int.optional(),
    storage_bytes: int.optional(),
    ai_calls_per_month: int.optional(),
    api_requests_per_minute: int.optional(),
  })
  .meta({ id: "WorkspaceLimits" });

/** A workspace as the operator sees it (core/platform/view.ts), with what it holds now. */
export const workspace = z
  .object({
    id: int,
    slug: z.string(),
    name: z.string(),
    status: z
      .enum(TENANT_STATUSES)
      .describe("`suspended`: every route answers 403; `deleting`: its hosts answer 404 while it is purged."),
    plan: z.string(),
    limits: workspaceLimits,
    domains: z.array(
      z.object({
        hostname: z.string(),
        verified: z.boolean().describe("Only a verified domain routes to the workspace."),
      }),
    ),
    suspended_at: timestamp.nullable(),
    suspended_reason: z.string().nullable(),
    deleted_at: timestamp.nullable(),
    created_at: timestamp,
    usage: z
      .object({
        agents: int,
        inboxes: int,
        conversations: int,
        messages: int,
        storage_bytes: int.describe("Bytes of stored media."),
      })
      .describe("Counted from the workspace's tables when asked."),
  })
  .meta({ id: "Workspace" }) satisfies z.ZodType<WorkspaceWithUsage>;

export const createdWorkspace = z
  .object({
    workspace: workspace.omit({ usage: true }),
    admin: z.object({ id: int, email: z.string(), first_name: z.string(), last_name: z.string() }),
    set_password_link: z
      .string()
      .describe("One-time link where the admin chooses a password (the admin has none until then); valid a week."),
    set_password_expires_at: timestamp,
    mailed: z.boolean().describe("Whether the link was also mailed to the admin."),
  })
  .meta({ id: "CreatedWorkspace" }) satisfies z.ZodType<CreatedWorkspace>;

export const deletionAccepted = z
  .object({
    workspace,
    job: z
      .object({ id: int, kind: z.literal("purge"), status: z.string(), created_at: timestamp })
      .describe("The queued purge; its progress is in workspace_jobs.") satisfies z.ZodType<PurgeJobView>,
  })
  .meta({ id: "WorkspaceDeletion" });
