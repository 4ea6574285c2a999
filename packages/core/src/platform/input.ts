import { z } from "zod";
import { MAX_DOMAINS_PER_WORKSPACE } from "../custom-domain/domains.ts";
import { slugProblem } from "./slug.ts";

/**
 * The operator's inputs, in the platform API's wire form: the API family validates request bodies with
 * these schemas and the CLI its arguments, so both front doors refuse the same things with the same words.
 */

/** A new workspace's slug: trimmed and lower-cased (hosts are case-insensitive), then the rules of slug.ts. */
export const workspaceSlug = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((slug, ctx) => {
    const problem = slugProblem(slug);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const workspaceName = z.string().trim().min(1, "required").max(100);
export const planName = z.string().trim().min(1, "required").max(64);

const count = z.int().min(0).max(1_000_000);

/** TenantLimits (tenant.sql.ts) on the wire: an absent key is unlimited; unknown keys are refused. */
export const tenantLimits = z.strictObject({
  agents: count.optional(),
  inboxes: count.optional(),
  storage_bytes: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  ai_calls_per_month: z.int().min(0).max(1_000_000_000).optional(),
  /** At least 1: a key that may make no request at all is a suspended workspace, which has its own switch. */
  api_requests_per_minute: z.int().min(1).max(1_000_000).optional(),
});

export const workspaceCreateInput = z.strictObject({
  slug: workspaceSlug,
  name: workspaceName,
  admin: z.strictObject({
    email: z.email().max(254),
    first_name: z.string().trim().min(1, "required").max(100),
    last_name: z.string().trim().max(100).optional(),
  }),
  /** Custom domains; each routes only once verified (custom-domain/). */
  domains: z.array(z.string().max(253)).max(MAX_DOMAINS_PER_WORKSPACE).optional(),
  plan: planName.optional(),
  limits: tenantLimits.optional(),
});
export type WorkspaceCreateInput = z.infer<typeof workspaceCreateInput>;

/** `limits` replaces the stored limits as a whole: a key left out becomes unlimited. */
export const workspaceUpdateInput = z
  .strictObject({ name: workspaceName, plan: planName, limits: tenantLimits })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "nothing to update: give name, plan or limits");
export type WorkspaceUpdateInput = z.infer<typeof workspaceUpdateInput>;

export const suspendInput = z.strictObject({
  /** Shown to the workspace's users in every 403 while it is suspended. */
  reason: z.string().trim().min(1, "required").max(500).optional(),
});
