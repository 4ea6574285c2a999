/**
 * The first path segments the web app's router owns. The embedded server answers a GET under any of them
 * (and `/` itself) with index.html, so a reload or a mailed link lands in the app; every other path stays
 * the API's (its JSON 404 included). The router's routes are tested to live under these (tests/server/
 * web-serving.test.ts). Plain data: the server imports it without any browser code.
 */
export const APP_PATH_SEGMENTS = [
  "login",
  "forgot-password",
  "reset-password",
  "set-password",
  "signup",
  "inboxes",
  "conversations",
  "contacts",
  "search",
  "notifications",
  "account",
  "admin",
] as const;

const SEGMENTS = new Set<string>(APP_PATH_SEGMENTS);

/** Whether the router owns `pathname` (a URL's path, already without query): `/`, `/login`, `/inboxes/…`. */
export function isAppPath(pathname: string): boolean {
  if (pathname === "/") return true;
  const first = pathname.split("/", 2)[1] ?? "";
  return SEGMENTS.has(first);
}
