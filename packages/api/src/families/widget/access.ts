import type { ContactCtx } from "@helperiq/core/context/index";
import { AuthError, InputError, NotFoundError, PermissionError } from "@helperiq/core/errors/index";
import { readLivechatInbox, type LivechatInbox } from "@helperiq/core/inbox/livechat-config";
import { originAllowed, pageOrigin } from "@helperiq/core/widget/origin";
import { contactActor, verifyWidgetSession, type WidgetCtx, type WidgetSession } from "@helperiq/core/widget/session";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { requestScope } from "../../context.ts";
import type { AppEnv } from "../../env.ts";

/**
 * Who a widget request is and which inbox it talks to. The inbox comes from the session (REST:
 * `Authorization: Bearer wt_…`) or, without one, from the `inbox_id` query parameter (the inbox uuid, as
 * LibreDesk's widget sends it; the `X-Libredesk-Inbox-ID` header works too). Browsers must put `inbox_id`
 * on every widget request: a CORS preflight carries no credentials, so the inbox it is checked against can
 * only come from the URL.
 */
export type WidgetAccess<S extends WidgetSession | null = WidgetSession | null> = { inbox: LivechatInbox; session: S };

/** LibreDesk's headers: a verified sign-in may present the browser's visitor session to merge it. */
export const VISITOR_TOKEN_HEADER = "x-libredesk-visitor-token";
export const CLEAR_VISITOR_HEADER = "X-Libredesk-Clear-Visitor";
const INBOX_HEADER = "x-libredesk-inbox-id";

const ALLOW_HEADERS = "Authorization, Content-Type, X-Libredesk-Visitor-Token, X-Libredesk-Inbox-ID";
const EXPOSE_HEADERS = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-Libredesk-Clear-Visitor";
/** Chromium caps preflight caching at two hours; ten minutes keeps the widget's polling cheap. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

type Mode = "public" | "session" | "optional";

/** What the guard resolved, per request (keyed by the request's Context: middleware may replace c.req.raw). */
const resolved = new WeakMap<Context, WidgetAccess>();

/**
 * The guard of a widget route: `public` (inbox by uuid; settings, exchange), `session` (a valid widget
 * session), `optional` (init: a session if one is sent, else a new visitor). Then the page's origin must be
 * one of the inbox's allowed domains (403), and the answer, errors included, carries CORS headers for it.
 */
export function widget(mode: Mode) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const access = await resolve(c, mode);
    const page = pageOrigin(c.req.header("origin"), c.req.header("referer"));
    if (!originAllowed(access.inbox.config.allowed_domains, page)) {
      throw new PermissionError("This page's origin is not an allowed domain of the chat inbox");
    }
    allowOrigin(c, c.req.header("origin"));
    resolved.set(c, access);
    await next();
  });
}

/** The inbox and (maybe) session of a route behind `widget(...)`. */
export function accessOf(c: Context): WidgetAccess {
  const access = resolved.get(c);
  if (!access) throw new Error("widget route without the widget() guard");
  return access;
}

/** The same, on a route behind `widget("session")`. */
export function sessionAccessOf(c: Context): WidgetAccess<WidgetSession> {
  const access = accessOf(c);
  if (!access.session) throw new AuthError("A widget session is required (Authorization: Bearer <session_token>)");
  return access as WidgetAccess<WidgetSession>;
}

/** The domain context of a route behind `widget("session")`: the session's contact acting. */
export function contactCtxOf(c: Context<AppEnv>): ContactCtx {
  return { ...requestScope(c), actor: contactActor(sessionAccessOf(c).session) };
}

/** The same where the session is optional: its contact, or null for a page that has none yet. */
export function widgetCtxOf(c: Context<AppEnv>): WidgetCtx {
  const { session } = accessOf(c);
  return { ...requestScope(c), actor: session && contactActor(session) };
}

async function resolve(c: Context<AppEnv>, mode: Mode): Promise<WidgetAccess> {
  const { database, clock, secrets } = c.get("deps");
  const tenantId = c.get("tenant").id;
  const requested = c.req.query("inbox_id") ?? c.req.header(INBOX_HEADER);
  const token = mode === "public" ? undefined : bearer(c);
  if (token === undefined) {
    if (mode === "session") throw new AuthError("A widget session is required (Authorization: Bearer <session_token>)");
    if (!requested) throw new InputError("inbox_id: required (the live-chat inbox uuid)");
    const inbox = await readLivechatInbox(database.db, secrets, tenantId, requested);
    // Unknown, another workspace's, deleted, disabled or not live chat: all the same to the public.
    if (!inbox) throw new NotFoundError("Inbox");
    return { inbox, session: null };
  }
  const session = await verifyWidgetSession(database.db, tenantId, token, clock.now());
  if (!session) throw new AuthError("Invalid or expired widget session");
  if (requested && requested.toLowerCase() !== session.inboxUuid)
    throw new AuthError("This widget session belongs to another inbox");
  const inbox = await readLivechatInbox(database.db, secrets, tenantId, session.inboxUuid);
  if (!inbox) throw new AuthError("Invalid or expired widget session");
  return { inbox, session };
}

function bearer(c: Context): string | undefined {
  const header = c.req.header("authorization");
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AuthError("Authorization must be Bearer <session_token>");
  return match[1]!;
}

/** Echoes an allowed page origin (never `*`: answers differ per origin, and no cookies are involved). */
function allowOrigin(c: Context, origin: string | undefined): void {
  c.header("Vary", "Origin");
  if (!origin || origin === "null") return;
  c.header("Access-Control-Allow-Origin", origin);
  c.header("Access-Control-Expose-Headers", EXPOSE_HEADERS);
}

/**
 * CORS preflights of `/api/v1/widget/*`: allowed when the URL's `inbox_id` names a live-chat inbox whose
 * allowed domains include the asking origin. Otherwise the answer lacks the allow headers and the browser
 * does not send the request. Never reaches a route (preflights carry no credentials).
 */
export const widgetPreflight = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== "OPTIONS") return next();
  c.header("Vary", "Origin");
  const origin = c.req.header("origin");
  const requested = c.req.query("inbox_id");
  const { database, secrets } = c.get("deps");
  const inbox = requested ? await readLivechatInbox(database.db, secrets, c.get("tenant").id, requested) : undefined;
  if (origin && inbox && originAllowed(inbox.config.allowed_domains, pageOrigin(origin, undefined))) {
    allowOrigin(c, origin);
    c.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    c.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
    c.header("Access-Control-Max-Age", String(PREFLIGHT_MAX_AGE_SECONDS));
  }
  return c.body(null, 204);
});
