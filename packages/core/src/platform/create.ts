import { and, eq, gte, inArray, isNotNull, or } from "drizzle-orm";
import { issuePasswordToken } from "../auth/password-reset.ts";
import { passwordResetLink, WELCOME_TTL_MS, workspaceReadyMail } from "../auth/password-reset-mail.ts";
import { PENDING_CLAIM_YIELDS_AFTER_MS, yieldStaleClaim } from "../custom-domain/domains.ts";
import { customHostname } from "../custom-domain/hostname.ts";
import { isUniqueViolation } from "../db/unique.ts";
import { ConflictError } from "../errors/index.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import type { Queue } from "../port/queue.ts";
import { canonicalWorkspaceOrigin, type LinkRouting } from "../tenant/origin.ts";
import { provisionTenant } from "../tenant/provision.ts";
import { tenantDomains, tenants } from "../tenant/tenant.sql.ts";
import type { WorkspaceCreateInput } from "./input.ts";
import { findWorkspaceRow, type WorkspaceView, workspaceViews } from "./view.ts";

export type CreateWorkspaceDeps = {
  db: Db;
  clock: Clock;
  /** Where the admin's set-password link points (core/tenant/origin.ts). */
  links: LinkRouting;
  /** The operator's own hosts besides BASE_DOMAIN (platform API, ROOT_URL): never a workspace's domain. */
  reservedHosts?: readonly string[] | undefined;
  /** With a queue the link is also mailed (`mail.send`); without one (mail not configured) it is only returned. */
  queue?: Queue | undefined;
};

export type CreatedWorkspace = {
  workspace: WorkspaceView;
  admin: { id: number; email: string; first_name: string; last_name: string };
  /** One-time link where the admin chooses a password; valid a week (WELCOME_TTL_MS). */
  set_password_link: string;
  set_password_expires_at: string;
  mailed: boolean;
};

/**
 * Creates a workspace (tenant/provision.ts) whose admin has no password: the admin gets a one-time
 * set-password link instead, returned to the caller and mailed when a queue is given. Input is what
 * `workspaceCreateInput` (input.ts) parsed. A slug or custom domain that another workspace holds is 409.
 */
export async function createWorkspace(
  deps: CreateWorkspaceDeps,
  input: WorkspaceCreateInput,
): Promise<CreatedWorkspace> {
  const { db, clock } = deps;
  // As given (for the index a conflict names), then without repeats.
  const own = { baseDomain: deps.links.baseDomain, reservedHosts: deps.reservedHosts };
  const given = (input.domains ?? []).map((d, i) => customHostname(d, own, `domains[${i}]`));
  const domains = [...new Set(given)];
  const now = clock.now();
  await refuseTaken(db, input.slug, given, now);
  const admin = {
    email: input.admin.email.trim(),
    firstName: input.admin.first_name,
    lastName: input.admin.last_name ?? "",
  };
  let created: { tenantId: number; adminId: number; token: string; expiresAt: Date };
  try {
    // One transaction (provisionTenant's is a savepoint inside it): no workspace without its admin's link.
    created = await db.transaction(async (tx) => {
      // Another workspace's claim left unverified a week yields here too, as when a domain is added.
      for (const hostname of domains) await yieldStaleClaim(tx, { id: null, slug: input.slug }, hostname, now);
      const p = await provisionTenant(tx, {
        slug: input.slug,
        name: input.name,
        domains,
        plan: input.plan,
        limits: input.limits,
        admin,
      });
      const { token, expiresAt } = await issuePasswordToken(tx, {
        tenantId: p.tenantId,
        userId: p.adminId,
        now,
        ttlMs: WELCOME_TTL_MS,
      });
      return { tenantId: p.tenantId, adminId: p.adminId, token, expiresAt };
    });
  } catch (err) {
    // Another request took the slug or a domain between the check and the insert.
    if (isUniqueViolation(err)) await refuseTaken(db, input.slug, given, now);
    throw err;
  }
  const row = (await findWorkspaceRow(db, input.slug))!;
  const [workspace] = await workspaceViews(db, [row]);
  const origin = await canonicalWorkspaceOrigin(db, { id: created.tenantId, slug: input.slug }, deps.links);
  const link = passwordResetLink(origin, created.token);
  if (deps.queue) {
    await deps.queue.send({
      type: "mail.send",
      tenantId: created.tenantId,
      mail: workspaceReadyMail({ to: admin.email, firstName: admin.firstName, workspace: input.name, link }),
    });
  }
  return {
    workspace: workspace!,
    admin: { id: created.adminId, email: admin.email, first_name: admin.firstName, last_name: admin.lastName },
    set_password_link: link,
    set_password_expires_at: created.expiresAt.toISOString(),
    mailed: deps.queue !== undefined,
  };
}

/**
 * 409 naming the field whose value another workspace holds (any workspace, also one being deleted); a domain
 * claim left unverified PENDING_CLAIM_YIELDS_AFTER_MS does not count (it yields in the creating transaction).
 */
async function refuseTaken(db: Db, slug: string, domains: string[], now: Date): Promise<void> {
  const [bySlug] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  if (bySlug) throw new ConflictError(`slug: a workspace with slug "${slug}" already exists`);
  if (!domains.length) return;
  const taken = await db
    .select({ hostname: tenantDomains.hostname })
    .from(tenantDomains)
    .where(
      and(
        inArray(tenantDomains.hostname, domains),
        or(
          isNotNull(tenantDomains.verifiedAt),
          gte(tenantDomains.createdAt, new Date(now.getTime() - PENDING_CLAIM_YIELDS_AFTER_MS)),
        ),
      ),
    );
  if (taken.length) {
    const i = domains.indexOf(taken[0]!.hostname);
    throw new ConflictError(`domains[${i}]: ${taken[0]!.hostname} is already another workspace's domain`);
  }
}
