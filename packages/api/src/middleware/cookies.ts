import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";

export const SESSION_COOKIE = "helperiq_session";
/** LibreDesk's UI reads this cookie and sends it back in the X-CSRFTOKEN header. */
export const CSRF_COOKIE = "csrf_token";
export const CSRF_HEADER = "x-csrftoken";

export function setSessionCookies(c: Context, token: string, csrfToken: string, expires: Date, secure: boolean) {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: "Lax", path: "/", expires });
  setCookie(c, CSRF_COOKIE, csrfToken, { httpOnly: false, secure, sameSite: "Lax", path: "/", expires });
}

export function clearSessionCookies(c: Context, secure: boolean) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure });
  deleteCookie(c, CSRF_COOKIE, { path: "/", secure });
}
