import { oidcProviders } from "@helperiq/core/schema";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { createContact, createConversation, createMessage } from "../support/factories.ts";
import { decodeQuotedPrintable } from "../support/smtp-peer.ts";
import { pathOf as pathOfPage, signIn as signInPage, startWebApp, type WebApp, waitFor } from "../support/web-app.ts";

/**
 * The agent web app end to end in Debian's Chromium against the embedded server as `npm start` runs it
 * (the built app, the real API, PGlite on disk, an SMTP peer for replies and password mail). It runs in the
 * PGlite pass only: the app reaches the database solely through the API, whose every route the API suites
 * already run on both databases; what this suite adds (rendering, routing, session handling) does not
 * depend on which database answers. Every test fails on a console error, an uncaught exception or
 * unhandled rejection, or an HTTP error it did not provoke on purpose.
 */
const ADMIN_EMAIL = "owner@web-app.example";
const ADMIN_PASSWORD = "web-app-password-1";
const NEW_PASSWORD = "a-brand-new-password-7";
const CUSTOMER = { first: "Carla", last: "Customer", email: "carla@example.com" };
/** More than a page (25 rows) of open conversations, so "All conversations" has two pages. */
const BULK = 27;

let app: WebApp;
let context: BrowserContext;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let mainUuid: string;

const pathOf = () => pathOfPage(page);
const signIn = (email: string, password: string) => signInPage(page, email, password);

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "agent web app in Chromium",
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      app = await startWebApp({ adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD });
      // The workspace as an admin would set it up through the API: an email inbox sending through the peer,
      // a team the admin belongs to and a shared view (both listed in the sidebar).
      const api = app.adminApi;
      const me = await api("GET", "/api/v1/agents/me");
      const inbox = await app.createMailInbox();
      await api("POST", "/api/v1/teams", { name: "Billing", members: [me.id] });
      await api("POST", "/api/v1/shared-views", {
        name: "Urgent ones",
        filters: [{ field: "priority_id", operator: "=", value: 4 }],
      });

      // Customers' mail, stored as the mail import stores it (tests/support/factories.ts).
      const db = app.server.database.db;
      const { seed, tenant } = app;
      const workspace = tenant;
      await db.insert(oidcProviders).values({
        tenantId: workspace.id,
        name: "Acme SSO",
        providerUrl: "https://sso.acme.example",
        clientId: "helperiq",
        clientSecret: "sealed-not-used",
        enabled: true,
      });
      const start = Date.now() - 3 * 3600_000;
      for (let i = 0; i < BULK; i++) {
        const contact = await createContact(seed, tenant, {
          email: `customer${i}@example.org`,
          firstName: `Customer ${i}`,
        });
        const c = await createConversation(seed, tenant, {
          inboxId: inbox.id,
          contactId: contact.id,
          subject: `Question number ${i}`,
          priorityId: i % 4 === 0 ? 3 : null,
          lastMessageAt: new Date(start + i * 60_000),
        });
        await createMessage(seed, tenant, c.id, {
          text: `Hello, this is question ${i}.`,
          createdAt: new Date(start + i * 60_000),
        });
      }
      const carla = await createContact(seed, tenant, { email: CUSTOMER.email, firstName: CUSTOMER.first });
      const main = await createConversation(seed, tenant, {
        inboxId: inbox.id,
        contactId: carla.id,
        subject: "Where is my order?",
        assignedUserId: me.id,
        priorityId: 4,
        lastMessageAt: new Date(),
      });
      await createMessage(seed, tenant, main.id, {
        text: "Hi, I ordered a blue kettle last week (order 1042).",
        createdAt: new Date(Date.now() - 120_000),
      });
      await createMessage(seed, tenant, main.id, {
        text: "It has not arrived yet. Can you check where it is?",
        createdAt: new Date(Date.now() - 60_000),
      });
      mainUuid = main.uuid;

      ({ context, page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => {
      // Every test ends with nothing unexpected in the page.
      expect(watch.problems).toEqual([]);
      expect(watch.takeHttpErrors()).toEqual([]);
    });

    afterAll(async () => {
      await app?.close();
    });

    it("sign-in page: SSO buttons from /api/v1/config, the API's errors shown by the form, no serious accessibility violation", async () => {
      await page.goto(`${app.url}/inboxes/all`);
      // Not signed in: the app sends the agent to sign in, remembering where they were going.
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(pathOf()).toBe("/login?next=/inboxes/all");
      expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]);
      await expect
        .poll(() => page.getByRole("link", { name: "Acme SSO" }).getAttribute("href"))
        .toMatch(/^\/api\/v1\/oidc\/\d+\/login$/);
      await screenshot(page, "web-sign-in");
      expect(await axeViolations(page)).toEqual([]);

      // An empty email: the API's 400 names the field, and the message sits under that field.
      await page.getByLabel("Your password").fill("whatever-it-is");
      await page.getByRole("button", { name: "Sign in" }).click();
      const emailError = page.locator("#email-error");
      await emailError.waitFor();
      expect(await emailError.textContent()).toMatch(/\S/);
      expect(await page.getByLabel("Your email").getAttribute("aria-invalid")).toBe("true");
      expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/auth/login"]);

      // A wrong password: the API's 401 message above the form, still on the sign-in page.
      await signIn(ADMIN_EMAIL, "not-the-password");
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect((await alert.textContent())?.trim()).toMatch(/\S/);
      expect(pathOf()).toBe("/login?next=/inboxes/all");
      expect(watch.takeHttpErrors()).toEqual(["401 POST /api/v1/auth/login"]);
      await screenshot(page, "web-sign-in-error");
    });

    it("signs in, then lands where the agent was going: the list with status and priority chips, unread markers and paging", async () => {
      await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.getByRole("heading", { name: "All conversations" }).waitFor();
      expect(pathOf()).toBe("/inboxes/all");
      const rows = page.getByTestId("conversation-row");
      await expect.poll(() => rows.count()).toBe(25);
      await page.getByText(`${BULK + 1} conversations`).waitFor();
      // Newest first: Carla's conversation, urgent, with two unread messages.
      const first = rows.first();
      expect(await first.textContent()).toContain("Where is my order?");
      expect(await first.textContent()).toContain("Urgent");
      expect(await first.textContent()).toContain("Open");
      expect(await first.getByText("2 unread messages").count()).toBe(1);

      // The sidebar: the fixed inboxes, the admin's team and the shared view.
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const name of ["My inbox", "Unassigned", "All conversations", "Mentions", "Billing", "Urgent ones"]) {
        expect(await nav.getByRole("link", { name }).count(), name).toBe(1);
      }
      await screenshot(page, "web-inbox-all");
      expect(await axeViolations(page)).toEqual([]);

      // Paging: the second page holds the rest.
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByText("Page 2 of 2").waitFor();
      expect(pathOf()).toBe("/inboxes/all?page=2");
      await expect.poll(() => rows.count()).toBe(BULK + 1 - 25);
      await page.getByRole("button", { name: "Previous" }).click();
      await page.getByText("Page 1 of 2").waitFor();

      // My inbox: only what is assigned to me.
      await nav.getByRole("link", { name: "My inbox" }).click();
      await page.getByRole("heading", { name: "My inbox" }).waitFor();
      await expect.poll(() => rows.count()).toBe(1);
    });

    it("opens a conversation: the thread, a reply that reaches the customer's mail server, a private note, a status change", async () => {
      await page.getByTestId("conversation-row").first().click();
      await page.getByRole("heading", { name: /Where is my order\?/ }).waitFor();
      expect(pathOf()).toBe(`/inboxes/assigned/conversations/${mainUuid}`);
      await page.getByText("It has not arrived yet. Can you check where it is?").waitFor();
      expect(await page.getByTestId("message-incoming").count()).toBe(2);
      // Opened means read: the row's unread marker goes.
      await expect.poll(() => page.getByText("2 unread messages").count()).toBe(0);

      await page
        .getByPlaceholder("Write a reply to the customer…")
        .fill("Hello Carla,\n\nyour kettle left our warehouse today.");
      await page.getByRole("button", { name: "Send", exact: true }).click();
      await page.getByTestId("message-outgoing").getByText("your kettle left our warehouse today.").waitFor();
      // The rich editor (contenteditable, features/editor) empties once the reply is sent.
      expect(await page.getByPlaceholder("Write a reply to the customer…").textContent()).toBe("");
      const mail = await waitFor("the reply at the SMTP peer", () =>
        app.peer.received.find((m) => m.to.includes(CUSTOMER.email)),
      );
      expect(decodeQuotedPrintable(mail.raw)).toContain("your kettle left our warehouse today.");

      await page.getByRole("button", { name: "Private note" }).click();
      // Typed text is text: markup in it is shown, not interpreted.
      await page.getByPlaceholder("Write a note only agents see…").fill("Courier says <b>Thursday</b> & not before.");
      await page.getByTestId("send").click(); // the reply box's; the sidebar's contact notes have an "Add note" too
      const note = page.getByTestId("message-note");
      await note.getByText("Courier says <b>Thursday</b> & not before.").waitFor();
      expect(await note.locator("b").count()).toBe(0);
      expect(await note.getByText("Private note").count()).toBe(1);

      await page.getByTestId("status-menu").click();
      await page.getByRole("menuitemradio", { name: "Resolved" }).click();
      await page
        .getByTestId("activity")
        .getByText(/set status to Resolved/)
        .waitFor();
      await expect.poll(() => page.getByTestId("status-menu").textContent()).toContain("Resolved");
      await screenshot(page, "web-conversation");
      expect(await axeViolations(page)).toEqual([]);
    });

    it("sends an expired session back to sign-in, then to where the agent was", async () => {
      // The server forgets the session (as when it expires): the next call answers 401.
      await context.clearCookies();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "All conversations" }).click();
      await page.getByText("Your session has ended; sign in again").waitFor();
      expect(pathOf()).toBe("/login?next=/inboxes/all");
      expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/conversations/all"]);
      await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.getByRole("heading", { name: "All conversations" }).waitFor();
      expect(pathOf()).toBe("/inboxes/all");
    });

    it("signs out from the user menu; the app's pages then ask to sign in again", async () => {
      await page.getByRole("button", { name: /Account and theme/ }).click();
      await page.getByRole("menuitem", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(pathOf()).toBe("/login");
      await page.goto(`${app.url}/inboxes/assigned`);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(pathOf()).toBe("/login?next=/inboxes/assigned");
      expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]);
    });

    it("resets a forgotten password from the mailed link", async () => {
      await page.getByRole("link", { name: "Forgot your password?" }).click();
      await page.getByRole("heading", { name: "Reset your password" }).waitFor();
      await page.getByLabel("Your email").fill(ADMIN_EMAIL);
      await page.getByRole("button", { name: "Email me a link" }).click();
      await page.getByText("Link sent").waitFor();
      await screenshot(page, "web-forgot-password");

      const mail = await waitFor("the reset mail", () => app.peer.received.find((m) => m.to.includes(ADMIN_EMAIL)));
      const link = /http:\/\/127\.0\.0\.1:\d+\/reset-password\?token=[A-Za-z0-9%_-]+/.exec(
        decodeQuotedPrintable(mail.raw).replace(/=\r?\n/g, ""),
      )?.[0];
      expect(link, "the mail carries a reset link to this server").toBeTruthy();
      await page.goto(link!);
      await page.getByRole("heading", { name: "Choose a new password" }).waitFor();

      // Two different passwords: refused here, before the API.
      await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel("Repeat the new password").fill(`${NEW_PASSWORD}x`);
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("The two passwords differ.").waitFor();
      // Too short: the API's 400 names the field, shown under it.
      await page.getByLabel("New password", { exact: true }).fill("short");
      await page.getByLabel("Repeat the new password").fill("short");
      await page.getByRole("button", { name: "Save" }).click();
      const error = page.locator("#password-error");
      await expect.poll(() => error.textContent()).toMatch(/10/);
      expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/agents/set-password"]);
      await screenshot(page, "web-set-password-error");

      await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("Password saved. You can sign in with it now.").waitFor();
      await page.getByRole("link", { name: "Sign in", exact: true }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      // The sign-in page asks whether someone is signed in already (nobody is).
      expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]);
      await signIn(ADMIN_EMAIL, NEW_PASSWORD);
      await page.getByRole("heading", { name: "My inbox" }).waitFor();
    });

    it("works on a phone-width screen in the dark theme", async () => {
      const {
        context: phone,
        page: small,
        watch: smallWatch,
      } = await app.openPage({
        viewport: { width: 390, height: 844 },
        colorScheme: "dark",
        storageState: await context.storageState(),
      });
      try {
        await small.goto(`${app.url}/inboxes/all`);
        await small.getByRole("heading", { name: "All conversations" }).waitFor();
        expect(await small.locator("html").getAttribute("class")).toContain("dark");
        // The sidebar is a drawer behind the menu button.
        expect(await small.getByRole("navigation", { name: "Main" }).isVisible()).toBe(false);
        await screenshot(small, "web-phone-inbox-dark");
        await small.getByRole("button", { name: "Menu" }).click();
        await small
          .getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "My inbox" })
          .waitFor({ state: "visible" });
        await screenshot(small, "web-phone-menu-dark");
        await small.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My inbox" }).click();
        // Carla's conversation was resolved above: the Open filter hides it, any status shows it.
        await small.getByRole("heading", { name: "My inbox" }).waitFor();
        await small.getByText("No conversations here").waitFor();
        await small.getByLabel("Status").selectOption("any");
        await small.getByTestId("conversation-row").first().click();
        // The conversation replaces the list; its back link returns to it.
        await small.getByRole("heading", { name: /Where is my order\?/ }).waitFor();
        expect(await small.getByRole("heading", { name: "My inbox" }).isVisible()).toBe(false);
        await screenshot(small, "web-phone-conversation-dark");
        expect(await axeViolations(small)).toEqual([]);
        await small.getByRole("link", { name: "Back" }).click();
        await small.getByRole("heading", { name: "My inbox" }).waitFor();
        expect(smallWatch.problems).toEqual([]);
        expect(smallWatch.takeHttpErrors()).toEqual([]);
      } finally {
        await phone.close();
      }
    });

    it("answers an unknown app address with the app's own not-found page; /set-password is the welcome wording", async () => {
      await page.goto(`${app.url}/inboxes/nowhere`);
      await page.getByRole("heading", { name: "There is no such page" }).waitFor();
      await page.goto(`${app.url}/set-password?token=welcome-token`);
      await page.getByRole("heading", { name: "Choose password" }).waitFor();
      // Without a token there is nothing to set: the page says to ask for a new link.
      await page.goto(`${app.url}/reset-password`);
      await page.getByText("This reset link is not valid; ask for a new one.").waitFor();
    });
  },
);
