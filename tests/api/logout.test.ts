import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import { createTenant, TEST_PASSWORD, type TestTenant } from "../support/factories.ts";

/**
 * Signing out is a cookie write: POST /api/v1/auth/logout needs the CSRF header like every other one, and
 * GET /logout ends the session only for a navigation from the workspace itself (never for another site's
 * link, or an image or script anywhere); it always answers the redirect.
 */
let t: TestApp;
let a: TestTenant;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
});
afterAll(() => t.close());

const signedIn = () => a.anonymous.login(a.adminEmail, TEST_PASSWORD);
const stillSignedIn = async (session: Client) => (await session.get("/api/v1/statuses")).status === 200;
const getLogout = (session: Client, headers: Record<string, string>) =>
  session.request("GET", "/logout", undefined, headers);

describe("POST /api/v1/auth/logout", () => {
  it("ends a cookie session when the CSRF header matches", async () => {
    const session = await signedIn();
    const res = await session.post("/api/v1/auth/logout");
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().join(";")).toMatch(/helperiq_session=;/);
    expect(await stillSignedIn(session)).toBe(false);
  });

  it("refuses a cookie logout without the CSRF header, or with another one, and the session lives on", async () => {
    const session = await signedIn();
    for (const csrf of [undefined, "not-the-token", (await signedIn()).creds.csrf!]) {
      const res = await session
        .with({ cookies: session.creds.cookies!, ...(csrf ? { csrf } : {}) })
        .post("/api/v1/auth/logout");
      expect(res.status).toBe(403);
      expect(res.body.data).toEqual({ message: "CSRF token missing or invalid", type: "PermissionError" });
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect(await stillSignedIn(session)).toBe(true);
  });

  it("answers 200 when there is no session to end (no cookie, or one that is no longer valid)", async () => {
    expect((await a.anonymous.post("/api/v1/auth/logout")).status).toBe(200);
    const session = await signedIn();
    await session.post("/api/v1/auth/logout");
    expect((await session.with({ cookies: session.creds.cookies! }).post("/api/v1/auth/logout")).status).toBe(200);
  });
});

describe("GET /logout", () => {
  it.each([
    [
      "a link on the workspace's own page",
      { "sec-fetch-site": "same-origin", "sec-fetch-dest": "document", "sec-fetch-mode": "navigate" },
    ],
    ["the address bar or a bookmark", { "sec-fetch-site": "none", "sec-fetch-dest": "document" }],
    ["a browser without fetch metadata, from the workspace's page", { referer: `http://${"HOST"}/inboxes` }],
    ["a browser sending Origin", { origin: `http://${"HOST"}` }],
  ])("ends the session for %s", async (_, given) => {
    const session = await signedIn();
    const headers = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v.replace("HOST", a.host)]));
    const res = await getLogout(session, headers);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(await stillSignedIn(session)).toBe(false);
  });

  it.each([
    [
      "a link on another site",
      { "sec-fetch-site": "cross-site", "sec-fetch-dest": "document", "sec-fetch-mode": "navigate" },
    ],
    ["another workspace on the same base domain", { "sec-fetch-site": "same-site", "sec-fetch-dest": "document" }],
    [
      "an image in a message on the workspace itself",
      { "sec-fetch-site": "same-origin", "sec-fetch-dest": "image", "sec-fetch-mode": "no-cors" },
    ],
    ["a script or frame", { "sec-fetch-site": "same-origin", "sec-fetch-dest": "iframe" }],
    ["another site's page, in a browser without fetch metadata", { referer: "https://evil.example/page" }],
    ["an opaque origin", { origin: "null" }],
    ["a request that says nothing about where it came from", {}],
  ])("redirects without signing out for %s", async (_, headers) => {
    const session = await signedIn();
    const res = await getLogout(session, headers);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await stillSignedIn(session)).toBe(true);
  });
});
