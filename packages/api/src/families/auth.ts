import { loadAgentActor } from "@helperiq/core/agent/actor";
import { getMe } from "@helperiq/core/agent/profile";
import { listDeviceKeys, revokeDeviceKey } from "@helperiq/core/auth/device-keys";
import { claimedGoogleEmail, GoogleSignInRefused, signInWithGoogle } from "@helperiq/core/auth/google";
import { validateSession } from "@helperiq/core/auth/session";
import { authenticateAgent, createSession, deleteSession, MAX_PASSWORD_LENGTH } from "@helperiq/core/auth/index";
import { AuthError, InputError } from "@helperiq/core/errors/index";
import type { Context } from "hono";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { throttleAccount } from "../account-throttle.ts";
import { auth, requireCsrf } from "../middleware/auth.ts";
import { clientIp } from "../middleware/client-ip.ts";
import { clearSessionCookies, SESSION_COOKIE, setSessionCookies } from "../middleware/cookies.ts";
import { ok, responds, respondsRaw } from "../middleware/envelope.ts";
import { deviceKey, deviceSignIn, signedIn } from "../responses/auth.ts";
import { done } from "../responses/scalars.ts";
import { isSameOriginNavigation } from "../origin.ts";
import { assertStorableInput, describeIssue, idParam, validate } from "../validate.ts";

const credentials = z.object({
  email: z.string().trim().min(1, "required").max(254),
  password: z.string().min(1, "required").max(MAX_PASSWORD_LENGTH),
});

const googleMobile = z.object({
  id_token: z.string().min(1, "required").max(8192),
  device_name: z.string().trim().max(100).optional(),
});

/** Login accepts JSON or a form post (urlencoded or multipart), as browsers' sign-in forms send it. */
async function readCredentials(c: Context<AppEnv>) {
  const type = c.req.header("content-type") ?? "";
  let body: unknown;
  if (type.includes("application/json")) {
    body = await c.req.json().catch(() => {
      throw new InputError("body: malformed JSON");
    });
  } else if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    body = Object.fromEntries(Object.entries(await c.req.parseBody()).filter(([, v]) => typeof v === "string"));
  } else {
    throw new InputError("body: send JSON or a form with email and password");
  }
  assertStorableInput(body);
  const parsed = credentials.safeParse(body);
  if (!parsed.success) throw new InputError(describeIssue(parsed.error.issues[0]!));
  return parsed.data;
}

async function deleteCurrentSession(c: Context<AppEnv>) {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await deleteSession(c.get("deps").database.db, token);
}

/**
 * Ends the session the cookie names. Signing out is a cookie write like any other: a POST must echo the
 * session's CSRF token (another site's form cannot); GET /logout checks that it came from this workspace.
 */
async function endSession(c: Context<AppEnv>) {
  const { database, clock, config } = c.get("deps");
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await validateSession(database.db, c.get("tenant").id, token, clock.now()) : null;
  if (session) requireCsrf(c, session.csrfToken);
  await deleteCurrentSession(c);
  clearSessionCookies(c, config.secureCookies);
}

export const authRoutes = new Hono<AppEnv>()
  .post("/api/v1/auth/login", responds(signedIn), async (c) => {
    const { email, password } = await readCredentials(c);
    await throttleAccount(c, "sign-in", email);
    const { database, clock, config } = c.get("deps");
    const tenant = c.get("tenant");
    const userId = await authenticateAgent(database.db, tenant.id, email, password, clock.now());
    // Session rotation: whatever session the browser carried before is ended, never upgraded.
    await deleteCurrentSession(c);
    const session = await createSession(database.db, {
      tenantId: tenant.id,
      userId,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent") ?? null,
      now: clock.now(),
    });
    setSessionCookies(c, session.token, session.csrfToken, session.expiresAt, config.secureCookies);
    const actor = await loadAgentActor(database.db, tenant.id, userId, "session");
    if (!actor) throw new AuthError();
    // The signed-in agent as /agents/me shows them (LibreDesk's UI keeps this answer as its current user:
    // roles, permissions, teams, availability), plus the CSRF token for the cookie session.
    c.set("actor", actor);
    return ok(c, { ...(await getMe(ctxOf(c))), csrf_token: session.csrfToken });
  })
  .post("/api/v1/auth/logout", responds(done), async (c) => {
    await endSession(c);
    return ok(c, true);
  })
  // A link or an image elsewhere (another site, or a message shown in the app) must not sign the agent
  // out: only a navigation from this workspace (or typed in the address bar) does. Either way, a redirect.
  .get(
    "/logout",
    respondsRaw({
      status: 302,
      description: "A redirect to /; it signs out only a navigation from this workspace or the address bar.",
    }),
    async (c) => {
      if (isSameOriginNavigation(c)) await endSession(c);
      return c.redirect("/", 302);
    },
  )
  // [HQ] Google mobile sign-in: one API key per device, listed and revoked one by one below.
  .post("/api/v1/auth/google-mobile", validate("json", googleMobile), responds(deviceSignIn), async (c) => {
    const { id_token, device_name } = c.req.valid("json");
    // Per the account the token names; a token naming none fails verification without any lookup.
    const claimed = claimedGoogleEmail(id_token);
    if (claimed) await throttleAccount(c, "google-sign-in", claimed);
    const { database, clock, config } = c.get("deps");
    const { user, apiKey } = await signInWithGoogle(database.db, {
      tenantId: c.get("tenant").id,
      idToken: id_token,
      deviceName: device_name,
      google: config.google,
      now: clock.now(),
    }).catch((err: unknown) => {
      if (err instanceof GoogleSignInRefused)
        console.warn(`[${c.get("requestId")}] Google sign-in refused: ${err.reason}`);
      throw err;
    });
    return ok(c, {
      user: { id: user.id, email: user.email, first_name: user.firstName },
      api_key: apiKey,
      expires_at: null,
    });
  })
  .get("/api/v1/auth/devices", auth(), responds(z.array(deviceKey)), async (c) => ok(c, await listDeviceKeys(ctxOf(c))))
  .delete("/api/v1/auth/devices/:id", auth(), validate("param", idParam), responds(done), async (c) => {
    await revokeDeviceKey(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  });
