import { and, eq, gt, isNotNull, isNull } from "drizzle-orm";
import { findAgentByEmail } from "../agent/sign-in.ts";
import { completePasswordReset } from "../auth/password-reset.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/password.ts";
import { generateToken, hashToken } from "../auth/token.ts";
import { ConflictError, InputError } from "../errors/index.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import type { Queue } from "../port/queue.ts";
import { recordPlatformAudit } from "../operator-audit/audit.ts";
import { createWorkspace } from "../platform/create.ts";
import { signups } from "../platform/platform.sql.ts";
import { slugProblem } from "../platform/slug.ts";
import type { WorkspaceView } from "../platform/view.ts";
import { canonicalWorkspaceOrigin, type LinkRouting } from "../tenant/origin.ts";
import { tenants } from "../tenant/tenant.sql.ts";
import { disposableSlugProblem } from "./disposable.ts";
import { signupVerificationMail, signupVerifyLink } from "./mail.ts";

/**
 * Self-serve sign-up, in two steps:
 * 1. `requestSignup`: email, workspace name and slug are checked and kept in `signups` with the hash of a
 *    mailed token (never the token), valid SIGNUP_TTL_MS. Nothing else exists yet.
 * 2. `completeSignup`: the mailed token, the owner's name and chosen password create the workspace
 *    (platform/create.ts, the operator's own path), set the owner's password and return a one-time sign-in
 *    link to the workspace's own host (`<slug>.<BASE_DOMAIN>`): the verification page is on the base domain,
 *    whose cookies the workspace's host never sees, so the session is made there, by `claimSignupSession`.
 *    After verification the row's token hash is that hand-off's, valid HANDOFF_TTL_MS and spent on use.
 * Each creation is in the operator's audit log as `signup:<email>`.
 */
export const SIGNUP_TTL_MS = 24 * 3600_000;
export const HANDOFF_TTL_MS = 2 * 60_000;
/** Path of the hand-off on the new workspace's host (families/signup.ts serves it). */
export const SIGNUP_SESSION_PATH = "/api/v1/signup/session";

const INVALID_TOKEN = "token: invalid or expired; sign up again to get a new link";

/** Why `slug` may not be signed up for, with the field name, or null: the platform's rules, then disposable-looking ones. */
export function signupSlugProblem(slug: string): string | null {
  const problem = slugProblem(slug) ?? disposableSlugProblem(slug);
  return problem ? `slug: ${problem}` : null;
}

export type SignupDeps = { db: Db; clock: Clock };

export type SignupRequest = {
  email: string;
  workspaceName: string;
  slug: string;
  ip: string | undefined;
  /** The base domain's origin, where the verification page is (tenant/origin.ts serviceHostOrigin). */
  origin: string;
  appName: string;
  baseDomain: string;
};

export async function requestSignup(
  deps: SignupDeps & { queue: Queue },
  input: SignupRequest,
): Promise<{ email: string; slug: string; expires_at: string }> {
  const { db, clock } = deps;
  await checkSignupSlug(db, input.slug);
  const token = generateToken();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + SIGNUP_TTL_MS);
  await db.insert(signups).values({
    email: input.email,
    workspaceName: input.workspaceName,
    slug: input.slug,
    tokenHash: hashToken(token),
    ip: input.ip ?? null,
    expiresAt,
  });
  // No workspace yet: tenant id 0 names none, and mail about no workspace is never held back (tenant/active.ts).
  await deps.queue.send({
    type: "mail.send",
    tenantId: 0,
    mail: signupVerificationMail({
      to: input.email,
      appName: input.appName,
      workspace: input.workspaceName,
      host: `${input.slug}.${input.baseDomain}`,
      link: signupVerifyLink(input.origin, token),
      validHours: SIGNUP_TTL_MS / 3600_000,
    }),
  });
  await recordPlatformAudit(db, {
    actor: `signup:${input.email}`,
    action: "signup.request",
    workspaceSlug: input.slug,
    status: 202,
    ip: input.ip,
    detail: { workspace_name: input.workspaceName },
  });
  return { email: input.email, slug: input.slug, expires_at: expiresAt.toISOString() };
}

/** 400 for a slug sign-up refuses, 409 for one a workspace holds: checked again when the link is used. */
export async function checkSignupSlug(db: Db, slug: string): Promise<void> {
  const problem = signupSlugProblem(slug);
  if (problem) throw new InputError(problem);
  const [taken] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  if (taken) throw new ConflictError(`slug: "${slug}" is already taken; choose another`);
}

export type CompletedSignup = {
  workspace: WorkspaceView;
  email: string;
  /** The workspace's own origin (`https://<slug>.<BASE_DOMAIN>`, tenant/origin.ts's rule). */
  workspace_url: string;
  /** Opening it (within HANDOFF_TTL_MS, once) signs the owner in on the workspace's host. */
  sign_in_url: string;
};

export async function completeSignup(
  deps: SignupDeps & { links: LinkRouting },
  input: {
    token: string;
    firstName: string;
    lastName: string;
    password: string;
    ip: string | undefined;
  },
): Promise<CompletedSignup> {
  const { db, clock } = deps;
  const now = clock.now();
  // Before anything is created: a refused password must not leave a workspace whose owner has none.
  if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
    throw new InputError(`password: must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  const live = and(
    eq(signups.tokenHash, hashToken(input.token)),
    isNull(signups.consumedAt),
    gt(signups.expiresAt, now),
  );
  const handoff = generateToken();
  let pending: typeof signups.$inferSelect | undefined;
  let created: Awaited<ReturnType<typeof createWorkspace>>;
  try {
    // One transaction: the link is spent, the workspace created and the owner's password set together, or
    // none of them. The row is claimed first, so of two submits of one link the second waits on it and then
    // finds it spent; a failure later (a slug taken meanwhile, a crash during the password hash) rolls the
    // claim back and the link still works. The hash runs inside, holding only rows no one else can see yet.
    created = await db.transaction(async (tx) => {
      [pending] = await tx
        .update(signups)
        .set({ consumedAt: now, tokenHash: hashToken(handoff), expiresAt: new Date(now.getTime() + HANDOFF_TTL_MS) })
        .where(live)
        .returning();
      if (!pending) throw new InputError(INVALID_TOKEN);
      const workspace = await createWorkspace(
        { db: tx, clock, links: deps.links },
        {
          slug: pending.slug,
          name: pending.workspaceName,
          admin: { email: pending.email, first_name: input.firstName, last_name: input.lastName },
        },
      );
      const welcomeToken = new URL(workspace.set_password_link).searchParams.get("token");
      if (!welcomeToken) throw new Error("createWorkspace's set-password link carries no token");
      await completePasswordReset(tx, {
        tenantId: workspace.workspace.id,
        token: welcomeToken,
        password: input.password,
        now,
      });
      return workspace;
    });
  } catch (err) {
    if (err instanceof ConflictError && pending) {
      await signupAudit(db, pending, input.ip, 409, { error: err.message });
      throw new ConflictError(`slug: "${pending.slug}" was taken since you signed up; sign up again with another`);
    }
    throw err;
  }
  // Assigned inside the transaction that just committed.
  const signup = pending!;
  await signupAudit(db, signup, input.ip, 201, { workspace_name: signup.workspaceName });
  // The rule of every mailed link (never the request's Host): its subdomain, ROOT_URL's scheme and port.
  const origin = await canonicalWorkspaceOrigin(db, { id: created.workspace.id, slug: signup.slug }, deps.links);
  return {
    workspace: created.workspace,
    email: signup.email,
    workspace_url: origin,
    sign_in_url: `${origin}${SIGNUP_SESSION_PATH}?token=${encodeURIComponent(handoff)}`,
  };
}

/** The operator's audit entry of a sign-up's workspace creation (actor `signup:<email>`). */
function signupAudit(
  db: Db,
  signup: { email: string; slug: string },
  ip: string | undefined,
  status: number,
  detail: Record<string, unknown>,
) {
  return recordPlatformAudit(db, {
    actor: `signup:${signup.email}`,
    action: "workspace.create",
    workspaceSlug: signup.slug,
    status,
    ip,
    detail,
  });
}

/**
 * Spends a verified sign-up's hand-off token on its own workspace's host: the owner's user id, to start a
 * session for. Any other token (unknown, spent, expired, or another workspace's) is a 400 naming `token`.
 */
export async function claimSignupSession(
  db: Db,
  tenant: { id: number; slug: string },
  token: string,
  now: Date,
): Promise<{ userId: number }> {
  const [claimed] = await db
    .update(signups)
    .set({ expiresAt: now })
    .where(
      and(
        eq(signups.tokenHash, hashToken(token)),
        eq(signups.slug, tenant.slug),
        isNotNull(signups.consumedAt),
        gt(signups.expiresAt, now),
      ),
    )
    .returning({ email: signups.email });
  const owner = claimed && (await findAgentByEmail(db, tenant.id, claimed.email));
  if (!owner?.enabled) throw new InputError("token: invalid or expired; sign in with your email and password");
  return { userId: owner.id };
}
