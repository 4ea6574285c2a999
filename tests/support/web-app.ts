import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { systemClock } from "@helperiq/core/port/index";
import { tenants } from "@helperiq/core/schema";
import { loadConfig } from "@helperiq/server/config";
import { type RunningServer, startServer } from "@helperiq/server/start";
import { eq } from "drizzle-orm";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { ensureWebBuild } from "../../packages/web/build.ts";
import { loopbackResolve, type TestApp } from "./app.ts";
import { createTableDns, type TableDns } from "./dns.ts";
import { CHROMIUM, CHROMIUM_FLAGS, watchPage } from "./browser.ts";
import type { TestTenant } from "./factories.ts";
import { freePort } from "./free-port.ts";
import { type SmtpPeer, startSmtpPeer } from "./smtp-peer.ts";

/**
 * The harness of the agent web app's browser suites (tests/browser/web-*.test.ts): the embedded server as
 * `npm start` runs it (the built app, the real API, PGlite on disk, outbound mail to a local SMTP peer),
 * Debian's Chromium, and the seeding handles a suite needs (an admin API session, the factories' view of
 * the default workspace). Suites run in the PGlite pass only: the app reaches the database solely through
 * the API, whose every route the API suites already run on both databases.
 */

export const WAIT_MS = 20_000;

export type AdminApi = <T = any>(method: string, path: string, body?: unknown) => Promise<T>;

export type WebApp = {
  server: RunningServer;
  url: string;
  peer: SmtpPeer;
  browser: Browser;
  /** The server's DNS for custom-domain verification: TXT records the suite sets (tests/support/dns.ts). */
  dns: TableDns;
  adminEmail: string;
  adminPassword: string;
  /**
   * The API as the admin, through a cookie session of its own (answers unwrapped; throws on an error). A FormData
   * body goes as multipart (POST /api/v1/media), anything else as JSON.
   */
  adminApi: AdminApi;
  /** A session of any agent by email and password, the same shape as adminApi. */
  apiSession(email: string, password: string): Promise<AdminApi>;
  /**
   * An email inbox created by the admin through the API, sending through the SMTP peer. `imap` is where it reads
   * mail (a Dovecot user in the suites that receive mail); by default a name that is never polled.
   */
  createMailInbox(options?: { name?: string; imap?: Record<string, unknown> }): Promise<{ id: number }>;
  /** An agent created by the admin through the API (no welcome mail), able to sign in with `password`. */
  hireAgent(agent: {
    first: string;
    last: string;
    email: string;
    password: string;
    roles?: string[];
  }): Promise<{ id: number }>;
  /** For tests/support/factories.ts: the running server's database as a TestApp, and the default workspace. */
  seed: TestApp;
  tenant: TestTenant;
  /** A fresh browser context and page, watched (see watchPage); default 1280×800, light theme. */
  openPage(options?: {
    viewport?: { width: number; height: number };
    colorScheme?: "light" | "dark";
    storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>;
  }): Promise<{ context: BrowserContext; page: Page; watch: ReturnType<typeof watchPage> }>;
  close(): Promise<void>;
};

/** Starts the built app's server, the SMTP peer and Chromium. Call in beforeAll (allow it a few minutes: it may build). */
export async function startWebApp(
  options: { adminEmail?: string; adminPassword?: string; env?: Record<string, string> } = {},
): Promise<WebApp> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/provision-chromium.sh (npm test does)`);
  await ensureWebBuild();
  const adminEmail = options.adminEmail ?? "owner@web-app.example";
  const adminPassword = options.adminPassword ?? "web-app-password-1";
  const dataDir = mkdtempSync(path.join(tmpdir(), "helperiq-web-app-"));
  const peer = await startSmtpPeer();
  const port = await freePort();
  const dns = createTableDns();
  const server = await startServer(
    loadConfig({
      PORT: String(port),
      HOST: "127.0.0.1",
      ROOT_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: adminPassword,
      SMTP_URL: peer.url,
      OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
      ...options.env,
    }),
    () => undefined,
    // Workspaces in these suites name hosts such as imap.acme.example: they never resolve (no DNS query leaves).
    { resolve: loopbackResolve, dns },
  );
  const url = server.url;

  async function apiSession(email: string, password: string): Promise<AdminApi> {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status, `sign-in of ${email}`).toBe(200);
    const cookies = login.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const csrf = cookies.find((c) => c.startsWith("csrf_token="))!.split("=")[1]!;
    return async (method, p, body) => {
      const multipart = body instanceof FormData;
      const res = await fetch(`${url}${p}`, {
        method,
        headers: {
          cookie: cookies.join("; "),
          "x-csrftoken": csrf,
          // fetch sets a FormData body's multipart type itself (with its boundary).
          ...(multipart ? {} : { "content-type": "application/json" }),
        },
        body: multipart ? body : body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as { data: any };
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
      return json.data;
    };
  }

  const adminApi = await apiSession(adminEmail, adminPassword);
  const createMailInbox: WebApp["createMailInbox"] = ({ name = "Support", imap } = {}) =>
    adminApi("POST", "/api/v1/inboxes", {
      name,
      channel: "email",
      from: "Acme Support <support@acme.example>",
      config: {
        imap: [imap ?? { host: "imap.acme.example", username: "support@acme.example", password: "unused" }],
        smtp: [{ host: "127.0.0.1", port: Number(new URL(peer.url).port), tls: "none", username: "", password: "" }],
      },
    });
  const hireAgent: WebApp["hireAgent"] = ({ first, last, email, password, roles = ["Admin"] }) =>
    adminApi("POST", "/api/v1/agents", {
      first_name: first,
      last_name: last,
      email,
      roles,
      password,
      send_welcome_email: false,
    });
  const [workspace] = await server.database.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.slug, "default"));
  const seed = { database: server.database, clock: systemClock } as unknown as TestApp;
  const tenant = { id: workspace!.id } as TestTenant;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });

  return {
    server,
    url,
    peer,
    browser,
    dns,
    adminEmail,
    adminPassword,
    adminApi,
    apiSession,
    createMailInbox,
    hireAgent,
    seed,
    tenant,
    async openPage(o = {}) {
      const context = await browser.newContext({
        viewport: o.viewport ?? { width: 1280, height: 800 },
        colorScheme: o.colorScheme ?? "light",
        storageState: o.storageState,
      });
      const page = await context.newPage();
      return { context, page, watch: watchPage(page) };
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      await peer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns something other than undefined (WAIT_MS at most). */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Picks `option` in the searchable multi-picker labelled `label` inside `scope` (the admin console's MultiPicker:
 * a combobox whose options open in a popover outside it), typing part of the option first as an admin would.
 */
export async function pickOption(scope: Locator, label: string, option: string) {
  const box = scope.getByRole("combobox", { name: label });
  await box.click();
  await box.fill(option.replace(/^[^A-Za-z]+/, "").slice(0, 3));
  await scope.page().getByRole("option", { name: option }).click();
}

/** The page's path and query, as the address bar shows them after the origin. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

/** Fills and submits the sign-in form (the page must be showing it). */
export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Your email").fill(email);
  await page.getByLabel("Your password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Opens `path` signed in as email/password (signing in when the app asks) and waits for the app's shell. */
export async function openSignedIn(app: WebApp, page: Page, pathname: string, email?: string, password?: string) {
  await page.goto(`${app.url}${pathname}`);
  const signInHeading = page.getByRole("heading", { name: "Sign in" });
  const nav = page.getByRole("navigation", { name: "Main" });
  await Promise.race([signInHeading.waitFor(), nav.waitFor({ state: "attached" })]);
  if (await signInHeading.isVisible()) {
    await signIn(page, email ?? app.adminEmail, password ?? app.adminPassword);
    await nav.waitFor({ state: "attached" });
  }
}

/**
 * What a suite checks after each test (and on every extra page it opens): the page logged no console or page
 * error, and every failed HTTP answer was expected (taken with `takeHttpErrors`) by the test itself.
 */
export function expectQuiet(watch: ReturnType<typeof watchPage>) {
  expect(watch.problems).toEqual([]);
  expect(watch.takeHttpErrors()).toEqual([]);
}

/**
 * openSignedIn on a page that has no session yet: the app's first question ("who am I") answers 401 before
 * the sign-in form shows; that expected failure is taken here.
 */
export async function openFirstSignIn(
  app: WebApp,
  page: Page,
  watch: ReturnType<typeof watchPage>,
  pathname: string,
  email?: string,
  password?: string,
) {
  await openSignedIn(app, page, pathname, email, password);
  expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]);
}

/** The document's full width in CSS pixels: more than the viewport means the page scrolls sideways. */
export const documentWidth = (page: Page) => page.locator("html").evaluate((el) => el.scrollWidth);
