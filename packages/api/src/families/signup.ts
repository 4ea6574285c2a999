import { hashToken } from "@helperiq/core/auth/token";
import { createSession } from "@helperiq/core/auth/session";
import { AppError, InputError, RateLimitError } from "@helperiq/core/errors/index";
import { DEFAULT_LANGUAGE } from "@helperiq/core/i18n/index";
import {
  checkSignupSlug,
  claimSignupSession,
  completeSignup,
  requestSignup,
  SIGNUP_SESSION_PATH,
} from "@helperiq/core/signup/signup";
import { workspaceName, workspaceSlug } from "@helperiq/core/platform/input";
import { normaliseHost } from "@helperiq/core/tenant/index";
import { serviceHostOrigin } from "@helperiq/core/tenant/origin";
import { rateKey } from "@helperiq/core/tenant/rate-key";
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { clientIp } from "../middleware/client-ip.ts";
import { setSessionCookies } from "../middleware/cookies.ts";
import { ok, responds, respondsRaw } from "../middleware/envelope.ts";
import { countHit } from "../middleware/rate-limit.ts";
import { requestHost } from "../middleware/tenant.ts";
import { linkRouting } from "../origin.ts";
import { signupCompleted, signupConfig, signupRequested } from "../responses/signup.ts";
import { validate } from "../validate.ts";
import { newPassword } from "./agents/me.ts";

/**
 * Per client IP an hour: sign-up requests (each mails someone) and verification attempts; per email address
 * an hour: sign-up requests, so one inbox cannot be flooded from many addresses.
 */
export const SIGNUP_LIMITS = { requestsPerIp: 10, requestsPerEmail: 3, verificationsPerIp: 30 } as const;
const HOUR = 3600;

/**
 * Sign-up is served only when SIGNUP=open, and only on the base domain itself (`BASE_DOMAIN`, not a workspace's
 * host): anywhere else its paths answer the same 404 as a path no route has. Without BASE_DOMAIN (the embedded
 * single-workspace mode) there is no host for new workspaces, so it is off whatever SIGNUP says. Checked
 * before the body (signupOnly): a closed sign-up says nothing about what it would accept.
 */
function signupHost(c: Context<AppEnv>): string {
  const { config } = c.get("deps");
  const base = config.tenantRouting.baseDomain?.toLowerCase();
  if (config.signup !== "open" || !base || normaliseHost(requestHost(c)) !== base) {
    // The words of a path no route has (middleware/errors.ts notFound): closed sign-up looks like none.
    throw new AppError("NotFoundError", 404, `No route for ${c.req.method} ${c.req.path}`);
  }
  return base;
}

const signupOnly = createMiddleware<AppEnv>(async (c, next) => {
  signupHost(c);
  await next();
});

async function limit(c: Context<AppEnv>, name: string, subject: string, max: number) {
  const hit = await countHit(c, rateKey("rl", name, undefined, subject), HOUR);
  if (hit && hit.count > max) throw new RateLimitError(hit.retryAfterSeconds);
}

const signupBody = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  workspace_name: workspaceName,
  slug: workspaceSlug,
});

const verifyBody = z.strictObject({
  token: z.string().trim().min(1, "required").max(128),
  first_name: z.string().trim().min(1, "required").max(100),
  last_name: z.string().trim().max(100).optional(),
  password: newPassword,
});

const sessionQuery = z.object({ token: z.string().min(1, "required").max(128) });

/**
 * Self-serve sign-up (core/signup): the page's settings, the request that mails a verification link, the
 * verification that creates the workspace, and the one-time hand-off that signs the owner in on the new
 * workspace's own host. The first three are workspace-less (routes.ts TENANTLESS_PATHS).
 */
export const signupFamily = new Hono<AppEnv>()
  .get("/api/v1/signup", responds(signupConfig), (c) =>
    ok(c, {
      app_name: c.get("deps").config.appName,
      base_domain: signupHost(c),
      default_language: DEFAULT_LANGUAGE,
    }),
  )
  .post("/api/v1/signup", signupOnly, validate("json", signupBody), responds(signupRequested, 202), async (c) => {
    const baseDomain = signupHost(c);
    const body = c.req.valid("json");
    const ip = clientIp(c);
    const { database, clock, queue, config } = c.get("deps");
    await limit(c, "signup", ip, SIGNUP_LIMITS.requestsPerIp);
    // Per email only once the request would mail: a refused slug costs the address nothing.
    await checkSignupSlug(database.db, body.slug);
    await limit(c, "signup-email", hashToken(body.email), SIGNUP_LIMITS.requestsPerEmail);
    const requested = await requestSignup(
      { db: database.db, clock, queue },
      {
        email: body.email,
        workspaceName: body.workspace_name,
        slug: body.slug,
        ip,
        origin: serviceHostOrigin(baseDomain, linkRouting(config)),
        appName: config.appName,
        baseDomain,
      },
    );
    return ok(c, requested);
  })
  .post(
    "/api/v1/signup/verify",
    signupOnly,
    validate("json", verifyBody),
    responds(signupCompleted, 201),
    async (c) => {
      const ip = clientIp(c);
      await limit(c, "signup-verify", ip, SIGNUP_LIMITS.verificationsPerIp);
      const body = c.req.valid("json");
      const { database, clock, config } = c.get("deps");
      const done = await completeSignup(
        { db: database.db, clock, links: linkRouting(config) },
        {
          token: body.token,
          firstName: body.first_name,
          lastName: body.last_name ?? "",
          password: body.password,
          ip,
        },
      );
      return ok(c, {
        workspace: { slug: done.workspace.slug, name: done.workspace.name },
        email: done.email,
        workspace_url: done.workspace_url,
        sign_in_url: done.sign_in_url,
      });
    },
  )
  .get(
    SIGNUP_SESSION_PATH,
    validate("query", sessionQuery),
    respondsRaw({
      status: 302,
      description:
        "Signs the new workspace's owner in (session cookies for this host) and redirects to the app; an unusable token redirects to the sign-in page.",
    }),
    async (c) => {
      const { database, clock, config } = c.get("deps");
      const tenant = c.get("tenant");
      const now = clock.now();
      let userId: number;
      try {
        ({ userId } = await claimSignupSession(database.db, tenant, c.req.valid("query").token, now));
      } catch (err) {
        if (err instanceof InputError) return c.redirect("/login", 302);
        throw err;
      }
      const session = await createSession(database.db, {
        tenantId: tenant.id,
        userId,
        ip: clientIp(c),
        userAgent: c.req.header("user-agent") ?? null,
        now,
      });
      setSessionCookies(c, session.token, session.csrfToken, session.expiresAt, config.secureCookies);
      return c.redirect("/", 302);
    },
  );
