import type { ImapServer } from "@helperiq/core/inbox/email-config";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { type Dovecot, startDovecot } from "../support/dovecot.ts";
import { expectQuiet, openFirstSignIn, pathOf, startWebApp, waitFor, type WebApp } from "../support/web-app.ts";

/**
 * The admin console's inboxes (features/admin/channels), every part real: an email inbox set up in the form
 * against a Dovecot user (IMAP) and the suite's SMTP peer, its test buttons saying why a login failed and then
 * that it works; a live-chat inbox whose preview runs the real /widget.js with the saved greeting, and its
 * embed snippet; disabling, enabling and deleting from the list.
 */
const AREA = "[data-admin-area=channels]";
let app: WebApp;
let imap: Dovecot;
let mailbox: ImapServer;
let context: BrowserContext;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let emailInboxId: number;

const field = (label: string | RegExp) => page.getByLabel(label, { exact: typeof label === "string" });
const fieldIn = (section: string, label: string) =>
  page.getByRole("region", { name: section }).getByLabel(label, { exact: true });

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("admin console: inboxes", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    imap = await startDovecot();
    app = await startWebApp({ adminEmail: "owner@channels.example", adminPassword: "channels-password-1" });
    mailbox = await imap.addUser();
    ({ context, page, watch } = await app.openPage());
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
  }, 240_000);

  afterEach(() => expectQuiet(watch));

  afterAll(async () => {
    await app?.close();
    await imap?.stop();
  });

  describe("email inbox", () => {
    it("tests IMAP (the refusal in words, then green) and SMTP, keeps the form through a failed save, and saves", async () => {
      await openFirstSignIn(app, page, watch, "/admin/inboxes");
      await page.getByTestId("new-email").click();
      await page.getByRole("heading", { name: "New email inbox" }).waitFor();

      await field("Name").fill("Acme Support");
      await field("From address").fill("Acme Support <support@acme.example>");
      await fieldIn("Incoming mail (IMAP)", "Host").fill(mailbox.host);
      await fieldIn("Incoming mail (IMAP)", "Port").fill(String(mailbox.port));
      await fieldIn("Incoming mail (IMAP)", "Encryption").selectOption("none");
      await fieldIn("Incoming mail (IMAP)", "Username").fill(mailbox.username);
      await fieldIn("Incoming mail (IMAP)", "Password").fill("not-the-password");
      await page.getByTestId("test-imap").click();
      const imapOutcome = page.getByTestId("test-imap-outcome");
      await expect.poll(() => imapOutcome.textContent()).toMatch(/^\s*Failed: \S/);
      expect(await imapOutcome.getAttribute("role")).toBe("alert");
      expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/inboxes/test"]);

      await fieldIn("Incoming mail (IMAP)", "Password").fill(mailbox.password);
      await page.getByTestId("test-imap").click();
      await expect.poll(() => imapOutcome.textContent()).toMatch(/Connected: the server accepted the login \(\d+ ms\)/);

      const smtpPort = new URL(app.peer.url).port;
      await fieldIn("Outgoing mail (SMTP)", "Host").fill("127.0.0.1");
      await fieldIn("Outgoing mail (SMTP)", "Port").fill(smtpPort);
      await fieldIn("Outgoing mail (SMTP)", "Encryption").selectOption("none");
      await page.getByTestId("test-smtp").click();
      await expect.poll(() => page.getByTestId("test-smtp-outcome").textContent()).toMatch(/Connected/);

      // A bad alias: the API's reason next to the Aliases field, naming the line; nothing typed is lost.
      await field("Aliases").fill("help@acme.example\nnot an address");
      await field("Signature").fill("Kind regards, ");
      await page.getByRole("button", { name: "Insert the placeholder agent.first_name" }).click();
      await field("Assign to the agent who replies").check();
      await page.getByTestId("inbox-save").click();
      await expect.poll(() => page.locator("#inbox-aliases-error").textContent()).toMatch(/^line 2: \S/);
      expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/inboxes"]);
      expect(await field("Name").inputValue()).toBe("Acme Support");
      expect(await fieldIn("Incoming mail (IMAP)", "Password").inputValue()).toBe(mailbox.password);
      expect(await field("Signature").inputValue()).toBe("Kind regards, {{agent.first_name}}");
      await screenshot(page, "channels-email-error");

      await field("Aliases").fill("help@acme.example");
      await page.getByTestId("inbox-save").click();
      await waitFor("the saved inbox's page", () => (/^\/admin\/inboxes\/\d+$/.test(pathOf(page)) ? true : undefined));
      emailInboxId = Number(pathOf(page).split("/").pop());
      await page.getByRole("heading", { name: "Acme Support" }).waitFor();

      const saved = await app.adminApi("GET", `/api/v1/inboxes/${emailInboxId}`);
      expect(saved).toMatchObject({
        channel: "email",
        from: "Acme Support <support@acme.example>",
        enabled: true,
        config: {
          aliases: ["help@acme.example"],
          auto_assign_on_reply: true,
          imap: [
            { host: mailbox.host, port: mailbox.port, tls: "none", username: mailbox.username, password: "••••••••" },
          ],
          smtp: [{ host: "127.0.0.1", port: Number(smtpPort), tls: "none" }],
        },
      });
      expect(saved.config.signature).toContain("{{agent.first_name}}");

      // Saved, the password is shown masked, and testing with the mask uses the stored one.
      expect(await fieldIn("Incoming mail (IMAP)", "Password").inputValue()).toBe("••••••••");
      await page.getByTestId("test-imap").click();
      await expect.poll(() => page.getByTestId("test-imap-outcome").textContent()).toMatch(/Connected/);
      await screenshot(page, "channels-email");
      expect(await axeViolations(page, "serious", AREA)).toEqual([]);
    });

    it("adds a second IMAP server, tests each on its own, saves both and reads them back", async () => {
      const second = await imap.addUser();
      await page.getByTestId("add-imap").click();
      const server2 = page.getByRole("group", { name: "IMAP server 2" });
      await server2.getByLabel("Host", { exact: true }).fill(second.host);
      await server2.getByLabel("Port", { exact: true }).fill(String(second.port));
      await server2.getByLabel("Encryption", { exact: true }).selectOption("none");
      await server2.getByLabel("Username", { exact: true }).fill(second.username);
      await server2.getByLabel("Password", { exact: true }).fill(second.password);
      // Each server's own button: the first with its stored password (still masked), the second as typed.
      await page.getByRole("button", { name: "Test IMAP server 2" }).click();
      await expect.poll(() => page.getByTestId("test-imap-2-outcome").textContent()).toMatch(/Connected/);
      await page.getByRole("button", { name: "Test IMAP server 1" }).click();
      await expect.poll(() => page.getByTestId("test-imap-outcome").textContent()).toMatch(/Connected/);
      await screenshot(page, "channels-email-two-imap");

      await page.getByTestId("inbox-save").click();
      const servers = () =>
        app.adminApi<{ config: { imap: { host: string; username: string; password: string }[] } }>(
          "GET",
          `/api/v1/inboxes/${emailInboxId}`,
        );
      await expect.poll(async () => (await servers()).config.imap.length).toBe(2);
      expect((await servers()).config.imap).toMatchObject([
        { host: mailbox.host, username: mailbox.username, password: "••••••••" },
        { host: second.host, port: second.port, username: second.username, password: "••••••••" },
      ]);

      // Read back: a reload shows both servers, the second in its own named group.
      await page.reload();
      await page.getByRole("heading", { name: "Acme Support" }).waitFor();
      expect(await page.getByTestId("imap-server").count()).toBe(2);
      expect(
        await page.getByRole("group", { name: "IMAP server 2" }).getByLabel("Username", { exact: true }).inputValue(),
      ).toBe(second.username);
      expect(
        await page.getByRole("group", { name: "IMAP server 1" }).getByLabel("Host", { exact: true }).inputValue(),
      ).toBe(mailbox.host);
    });
  });

  describe("live chat inbox", () => {
    it("creates a live chat whose preview runs the real widget with the greeting, and offers the embed snippet", async () => {
      await page.getByRole("link", { name: "← All inboxes" }).click();
      await page.getByTestId("new-livechat").click();
      await page.getByRole("heading", { name: "New live chat" }).waitFor();
      await field("Name").fill("Acme chat");
      await field("Brand name").fill("Acme support");
      await field("Brand colour").fill("#0f766e");
      await field("Greeting").fill("Hi! Ask us anything.");
      await field("Typically replies in").fill("We typically reply in a few minutes");
      await field("Ask these questions before a chat starts").check();
      await page.getByTestId("prechat-add").click();
      await page.getByTestId("prechat-add").click();
      await field("Question").first().fill("Your name");
      await page.getByLabel("Required").first().check();
      await field("Question").nth(1).fill("Order number");
      await page.getByRole("button", { name: "Move Order number up" }).click();
      expect(await field("Question").first().inputValue()).toBe("Order number");
      await page.getByTestId("inbox-save").click();
      await waitFor("the saved inbox's page", () => (/^\/admin\/inboxes\/\d+$/.test(pathOf(page)) ? true : undefined));
      const id = Number(pathOf(page).split("/").pop());
      await page.getByTestId("site-secret").waitFor();

      const saved = await app.adminApi("GET", `/api/v1/inboxes/${id}`);
      expect(saved.config).toMatchObject({
        greeting: "Hi! Ask us anything.",
        intro: "We typically reply in a few minutes",
        launcher: { color: "#0f766e" },
        prechat_form: {
          enabled: true,
          fields: [
            { label: "Order number", required: false },
            { label: "Your name", required: true },
          ],
        },
      });

      // The preview: the real widget script on this page, with the saved settings.
      await waitFor("the widget preview", async () =>
        (await page.getByTestId("widget-preview").getAttribute("data-state")) === "ready" ? true : undefined,
      );
      await page.getByTestId("preview-open").click();
      const greeting = page.locator("#helperiq-widget [data-hq=greeting]");
      await expect.poll(() => greeting.textContent()).toBe("Hi! Ask us anything.");
      expect(await page.locator("#helperiq-widget [data-hq=title]").textContent()).toBe("Acme support");

      const snippet = await page.getByTestId("embed-snippet").inputValue();
      expect(snippet).toBe(`<script src="${app.url}/widget.js" data-inbox="${saved.uuid}" async></script>`);
      await page.getByTestId("embed-copy").click();
      await page.getByTestId("embed-copied").filter({ hasText: "Copied" }).waitFor();
      // No DOM types in this program: the page's navigator is reached through globalThis.
      expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(snippet);
      await screenshot(page, "channels-livechat");
      expect(await axeViolations(page, "serious", AREA)).toEqual([]);

      // A new greeting, saved: the preview restarts with it.
      await field("Greeting").fill("Hello again!");
      await page.getByTestId("inbox-save").click();
      await page.getByText("Saved.").waitFor();
      await waitFor("the restarted preview", async () =>
        (await page.getByTestId("widget-preview").getAttribute("data-state")) === "ready" ? true : undefined,
      );
      await page.getByTestId("preview-open").click();
      await expect.poll(() => greeting.textContent()).toBe("Hello again!");
    });
  });

  describe("inbox list", () => {
    it("disables and enables an inbox, and deletes one after a confirmation naming it", async () => {
      await page.getByRole("link", { name: "← All inboxes" }).click();
      const chat = page.getByTestId("inbox-row").filter({ hasText: "Acme chat" });
      await chat.waitFor();
      expect(await page.getByTestId("inbox-row").count()).toBe(2);
      expect(await chat.getByTestId("inbox-state").textContent()).toContain("Enabled");
      await chat.getByTestId("inbox-toggle").click();
      await expect.poll(() => chat.getByTestId("inbox-state").textContent()).toContain("Disabled");
      await screenshot(page, "channels-list");
      expect(await axeViolations(page, "serious", AREA)).toEqual([]);
      await chat.getByTestId("inbox-toggle").click();
      await expect.poll(() => chat.getByTestId("inbox-state").textContent()).toContain("Enabled");

      await chat.getByTestId("inbox-delete").click();
      const dialog = page.getByRole("alertdialog");
      await dialog.getByText("Delete the inbox “Acme chat”?").waitFor();
      await screenshot(page, "channels-delete");
      await dialog.getByRole("button", { name: "Delete", exact: true }).click();
      await dialog.waitFor({ state: "detached" });
      await chat.waitFor({ state: "detached" });
      const left = await app.adminApi<{ name: string }[]>("GET", "/api/v1/inboxes");
      expect(left.map((inbox) => inbox.name)).toEqual(["Acme Support"]);

      // At phone width the email form stacks into one column.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole("link", { name: "Acme Support" }).click();
      await waitFor("the email inbox's page", () =>
        pathOf(page) === `/admin/inboxes/${emailInboxId}` ? true : undefined,
      );
      await page.getByRole("heading", { name: "Acme Support" }).waitFor();
      await screenshot(page, "channels-email-390");
      expect(await axeViolations(page, "serious", AREA)).toEqual([]);
    });
  });
});
