import { inboxMailState } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { type Dovecot, startDovecot } from "../support/dovecot.ts";
import { decodeQuotedPrintable } from "../support/smtp-peer.ts";
import { openSignedIn, pathOf, startWebApp, type WebApp, waitFor } from "../support/web-app.ts";

/**
 * An agent's day in the web app, every part real: a customer's mail lands in a Dovecot mailbox, the
 * embedded server's poller imports it and both agents' lists show it without a reload; Ada opens it,
 * answers with an attachment (the SMTP peer receives it), mentions Bob in a note and resolves it; Bob,
 * in a second browser, sees the reply and the resolution live, the mention on his bell, and finds the
 * conversation by a word of Ada's reply in the search palette. (Resetting a password from the mailed link
 * is in web-app.test.ts.)
 */
const PASSWORD = "agent-day-password-1";
const ADA = { first: "Ada", last: "Lovelace", email: "ada@acme.example" };
const BOB = { first: "Bob", last: "Builder", email: "bob@acme.example" };
const CUSTOMER = "carla@customer.example";
const SUBJECT = "Kettle lid cracked";

type Side = { page: Page; watch: ReturnType<typeof watchPage> };
let app: WebApp;
let imap: Dovecot;
let ada: Side;
let bob: Side;
let inboxId: number;
let uuid: string;

const rowWith = (page: Page, text: string) => page.getByTestId("conversation-row").filter({ hasText: text });
const thread = (page: Page) => page.getByRole("region", { name: "Messages" });
const editor = (page: Page) => page.getByTestId("reply-editor");

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "agent web app: an agent's day, mail in to mail out",
  { timeout: 90_000 },
  () => {
    beforeAll(async () => {
      imap = await startDovecot();
      app = await startWebApp({ adminEmail: "owner@agent-day.example", adminPassword: PASSWORD });
      for (const agent of [ADA, BOB]) await app.hireAgent({ ...agent, password: PASSWORD });
      const mailbox = await imap.addUser();
      const inbox = await app.createMailInbox({
        imap: {
          host: mailbox.host,
          port: mailbox.port,
          tls: "none",
          username: mailbox.username,
          password: mailbox.password,
          mailbox: "INBOX",
        },
      });
      inboxId = inbox.id;
      // The customer writes before the agents start; the mail is imported once they are looking.
      await imap.append(
        mailbox,
        [
          `From: Carla Customer <${CUSTOMER}>`,
          "To: support@acme.example",
          `Subject: ${SUBJECT}`,
          "Message-ID: <kettle-lid-1@customer.example>",
          `Date: ${new Date().toUTCString()}`,
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=utf-8",
          "",
          "The lid of the kettle I bought cracked on the first day. Can you send a new one?",
          "",
        ].join("\r\n"),
      );
      ada = await app.openPage();
      bob = await app.openPage();
    }, 240_000);

    afterEach(() => {
      for (const side of [ada, bob]) {
        expect(side.watch.problems).toEqual([]);
        expect(side.watch.takeHttpErrors()).toEqual([]);
      }
    });

    afterAll(async () => {
      await app?.close();
      await imap?.stop();
    });

    it("a customer's mail shows up in both agents' lists without a reload", async () => {
      await openSignedIn(app, ada.page, "/inboxes/all", ADA.email, PASSWORD);
      await openSignedIn(app, bob.page, "/inboxes/all", BOB.email, PASSWORD);
      for (const side of [ada, bob]) {
        expect(side.watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]); // not signed in yet
        await side.page.getByText("No conversations here").waitFor();
      }
      // The poller's turn (it runs every minute; the test does not wait for it): as if the inbox's interval had passed.
      await app.server.database.db
        .update(inboxMailState)
        .set({ lastPolledAt: null })
        .where(eq(inboxMailState.inboxId, inboxId));
      expect(await app.server.runScheduled("poll-inboxes")).toEqual({ enqueued: 1 });
      for (const side of [ada, bob]) await rowWith(side.page, SUBJECT).waitFor();
      const [conversation] = (await app.adminApi("GET", "/api/v1/conversations/all")).results;
      uuid = conversation.uuid;
      expect(conversation.subject).toBe(SUBJECT);
      await screenshot(bob.page, "agent-day-mail-arrived");
    });

    it("Ada opens it and answers with an attachment, which reaches the customer's mail server; Bob sees the reply live", async () => {
      await rowWith(bob.page, SUBJECT).click();
      await thread(bob.page)
        .getByText(/lid of the kettle I bought cracked/)
        .waitFor();
      await rowWith(ada.page, SUBJECT).click();
      await thread(ada.page)
        .getByText(/lid of the kettle I bought cracked/)
        .waitFor();
      expect(pathOf(ada.page)).toBe(`/inboxes/all/conversations/${uuid}`);

      // A conversation just opened may still be reading its draft into the editor.
      await ada.page.waitForLoadState("networkidle");
      await editor(ada.page).click();
      await ada.page.keyboard.type("Sorry about that, Carla. A new lid is on its way; the label is attached.");
      await ada.page.getByTestId("attach-input").setInputFiles({
        name: "return-label.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("Return label 7731"),
      });
      await ada.page
        .getByTestId("attachment-chip")
        .getByText(/\d+\sB$/)
        .waitFor();
      await screenshot(ada.page, "agent-day-reply");
      await ada.page.getByTestId("send").click();
      await thread(ada.page)
        .getByText(/A new lid is on its way/)
        .waitFor();

      const mail = await waitFor("the reply at the customer's mail server", () =>
        app.peer.received.find((m) => m.to.includes(CUSTOMER)),
      );
      const raw = decodeQuotedPrintable(mail.raw);
      expect(raw).toContain("A new lid is on its way");
      expect(raw).toMatch(/filename="?return-label\.txt/);
      expect(raw).toMatch(/^In-Reply-To: <kettle-lid-1@customer\.example>/im);
      await thread(bob.page)
        .getByText(/A new lid is on its way/)
        .waitFor();
    });

    it("a note mentioning Bob rings his bell; Ada resolves, and Bob's view and Open list follow live", async () => {
      await ada.page.getByRole("button", { name: "Private note" }).click();
      await editor(ada.page).click();
      await ada.page.keyboard.type("@Bo");
      await ada.page.getByTestId("mention-list").getByRole("option", { name: "Bob Builder" }).waitFor();
      await ada.page.keyboard.press("Enter");
      await ada.page.keyboard.type("the courier needs the old lid back.");
      await ada.page.getByTestId("send").click();
      await ada.page
        .getByTestId("message-note")
        .getByText(/courier needs the old lid back/)
        .waitFor();
      await bob.page.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
      await thread(bob.page)
        .getByText(/courier needs the old lid back/)
        .waitFor();

      await ada.page.getByTestId("status-menu").click();
      await ada.page.getByRole("menuitemradio", { name: "Resolved" }).click();
      await expect
        .poll(() => ada.page.getByTestId("status-menu").textContent(), { timeout: 15_000 })
        .toContain("Resolved");
      await expect
        .poll(() => bob.page.getByTestId("status-menu").textContent(), { timeout: 15_000 })
        .toContain("Resolved");
      // The list shows Open conversations by default: the resolved one leaves Bob's without a reload.
      await expect.poll(() => rowWith(bob.page, SUBJECT).count(), { timeout: 15_000 }).toBe(0);
      await screenshot(bob.page, "agent-day-resolved-live");
      expect(await axeViolations(bob.page)).toEqual([]);
    });

    it("Bob finds it in the search palette by a word of Ada's reply", async () => {
      await bob.page.locator("body").click({ position: { x: 5, y: 5 } });
      await bob.page.keyboard.press("Control+k");
      const input = bob.page.getByRole("combobox", { name: "Search" });
      await input.waitFor();
      await bob.page.keyboard.type("label");
      const hit = bob.page.getByRole("option", { name: new RegExp(SUBJECT) }).first();
      await hit.waitFor();
      await screenshot(bob.page, "agent-day-search");
      await hit.click();
      await bob.page.getByRole("heading", { name: new RegExp(SUBJECT) }).waitFor();
      expect(pathOf(bob.page)).toBe(`/conversations/${uuid}`);
    });
  },
);
