import { deleteSession } from "@helperiq/core/auth/session";
import {
  beginOidcLogin,
  createOidcProvider,
  deleteOidcProvider,
  finishOidcLogin,
  getOidcProvider,
  listOidcProviders,
  OIDC_LOGIN_TTL_MS,
  OIDC_NAME_MAX,
  openPendingLogin,
  sealPendingLogin,
  updateOidcProvider,
  type OidcProviderView,
} from "@helperiq/core/oidc/index";
import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { workspaceOrigin } from "../origin.ts";
import { auth } from "../middleware/auth.ts";
import { clientIp } from "../middleware/client-ip.ts";
import { SESSION_COOKIE, setSessionCookies } from "../middleware/cookies.ts";
import { ok, responds, respondsRaw } from "../middleware/envelope.ts";
import { oidcProvider } from "../responses/oidc.ts";
import { done } from "../responses/scalars.ts";
import { idParam, validate } from "../validate.ts";

/** The sealed pending login (state, nonce, PKCE verifier) between `login` and `finish`. */
const LOGIN_COOKIE = "helperiq_oidc";
const LOGIN_COOKIE_PATH = "/api/v1/oidc";

const url = z.string().trim().max(2048);
const providerFields = {
  name: z.string().trim().min(1, "required").max(OIDC_NAME_MAX),
  provider_url: url.min(1, "required"),
  client_id: z.string().trim().min(1, "required").max(1024),
  logo_url: url.optional(),
  enabled: z.boolean().optional(),
};
const providerBody = z.object({ ...providerFields, client_secret: z.string().min(1, "required").max(4096) });
/** Empty or masked `client_secret` keeps the stored secret. */
const providerUpdate = z.object({ ...providerFields, client_secret: z.string().max(4096) }).partial();

/**
 * The redirect URI to register at the provider: the workspace's root URL as the browser reached this
 * request (the request URL's origin, so each workspace host has its own; behind a proxy trusted with
 * X-Forwarded-Host, the forwarded host and protocol) followed by the finish path.
 */
function finishUrl(c: Context<AppEnv>, id: number): string {
  return `${workspaceOrigin(c)}/api/v1/oidc/${id}/finish`;
}

const withRedirectUri = (c: Context<AppEnv>, view: OidcProviderView) => ({
  ...view,
  redirect_uri: finishUrl(c, view.id),
});

/** The pending login is single-use: whatever `finish` answers, even a 400, the browser forgets it. */
const forgetPendingLogin = createMiddleware<AppEnv>(async (c, next) => {
  deleteCookie(c, LOGIN_COOKIE, { path: LOGIN_COOKIE_PATH, secure: c.get("deps").config.secureCookies });
  await next();
});

/** OpenID Connect single sign-on: provider CRUD and the browser sign-in. */
export const oidcFamily = new Hono<AppEnv>()
  .get("/api/v1/oidc", auth("oidc:manage"), responds(z.array(oidcProvider)), async (c) =>
    ok(
      c,
      (await listOidcProviders(ctxOf(c))).map((view) => withRedirectUri(c, view)),
    ),
  )
  .post("/api/v1/oidc", auth("oidc:manage"), validate("json", providerBody), responds(oidcProvider, 201), async (c) =>
    ok(c, withRedirectUri(c, await createOidcProvider(ctxOf(c), c.get("deps"), c.req.valid("json"))), 201),
  )
  .get("/api/v1/oidc/:id", auth("oidc:manage"), validate("param", idParam), responds(oidcProvider), async (c) =>
    ok(c, withRedirectUri(c, await getOidcProvider(ctxOf(c), c.req.valid("param").id))),
  )
  .put(
    "/api/v1/oidc/:id",
    auth("oidc:manage"),
    validate("param", idParam),
    validate("json", providerUpdate),
    responds(oidcProvider),
    async (c) => {
      const view = await updateOidcProvider(ctxOf(c), c.get("deps"), c.req.valid("param").id, c.req.valid("json"));
      return ok(c, withRedirectUri(c, view));
    },
  )
  .delete("/api/v1/oidc/:id", auth("oidc:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteOidcProvider(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  })
  .get(
    "/api/v1/oidc/:id/login",
    validate("param", idParam),
    respondsRaw({ status: 302, description: "A redirect to the provider's sign-in page." }),
    async (c) => {
      const { database, secrets, outbound, clock, config } = c.get("deps");
      const { id } = c.req.valid("param");
      const { authorizationUrl, pending } = await beginOidcLogin(
        { db: database.db, secrets, outbound },
        {
          tenantId: c.get("tenant").id,
          providerId: id,
          redirectUri: finishUrl(c, id),
          now: clock.now(),
        },
      );
      setCookie(c, LOGIN_COOKIE, sealPendingLogin(secrets, pending), {
        httpOnly: true,
        secure: config.secureCookies,
        // Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
        sameSite: "Lax",
        path: LOGIN_COOKIE_PATH,
        maxAge: OIDC_LOGIN_TTL_MS / 1000,
      });
      c.header("Cache-Control", "no-store");
      return c.redirect(authorizationUrl, 302);
    },
  )
  .get(
    "/api/v1/oidc/:id/finish",
    forgetPendingLogin,
    validate("param", idParam),
    respondsRaw({ status: 302, description: "Signed in: a redirect to / with the session cookies." }),
    async (c) => {
      const { database, secrets, outbound, clock, config } = c.get("deps");
      const { id } = c.req.valid("param");
      c.header("Cache-Control", "no-store");
      const session = await finishOidcLogin(
        { db: database.db, secrets, outbound },
        {
          tenantId: c.get("tenant").id,
          providerId: id,
          redirectUri: finishUrl(c, id),
          now: clock.now(),
          pending: openPendingLogin(secrets, getCookie(c, LOGIN_COOKIE)),
          query: { state: c.req.query("state"), code: c.req.query("code"), error: c.req.query("error") },
          ip: clientIp(c),
          userAgent: c.req.header("user-agent") ?? null,
        },
      );
      // As at password login: whatever session the browser carried before is ended, never upgraded.
      const previous = getCookie(c, SESSION_COOKIE);
      if (previous) await deleteSession(database.db, previous);
      setSessionCookies(c, session.token, session.csrfToken, session.expiresAt, config.secureCookies);
      return c.redirect("/", 302);
    },
  );
