import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { createContact, createConversation, createMessage } from "../support/factories.ts";
import { REFUSED_DOMAIN } from "../support/smtp-peer.ts";
import { openSignedIn, startWebApp, type WebApp, waitFor } from "../support/web-app.ts";

/**
 * Live updates of the agent web app over the agent WebSocket, with two agents in two browser contexts:
 * Ada (A) and Bob (B). Customers write through the live-chat widget's API (the path that publishes the
 * realtime events, as mail import does), so nothing here is reloaded to be seen: each page carries a
 * marker set once, checked still there at the end of each test.
 */
const PASSWORD = "realtime-password-1";
const SHOP = "https://shop.example.com";
const ADA = { first: "Ada", last: "Lovelace", email: "ada@realtime.example" };
const BOB = { first: "Bob", last: "Builder", email: "bob@realtime.example" };

let app: WebApp;
let chatInbox: { id: number; uuid: string };
let mailUuid: string;
type Side = { context: BrowserContext; page: Page; watch: ReturnType<typeof watchPage> };
let a: Side;
let b: Side;
/** The conversation Carla starts on the website, and her widget session. */
let chat: { uuid: string; token: string };

/** A call of the widget API as the shop's page makes it (Origin of an allowed domain, the visitor's token). */
async function widget<T = any>(path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${app.url}/api/v1/widget/chat${path}?inbox_id=${chatInbox.uuid}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: SHOP,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data: T };
  if (!res.ok) throw new Error(`widget ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

/** Marks the page; `reloaded` is then true only if it was loaded again since. */
const mark = (page: Page) => page.evaluate(() => ((globalThis as unknown as { __live: number }).__live = 1));
const reloaded = (page: Page) => page.evaluate(() => (globalThis as unknown as { __live?: number }).__live !== 1);

const rowWith = (page: Page, text: string) => page.getByTestId("conversation-row").filter({ hasText: text });
/** The open conversation's thread (the list beside it shows previews of the same texts). */
const thread = (page: Page) => page.getByRole("region", { name: "Messages" });
const editor = (page: Page) => page.getByTestId("reply-editor");
/** Types into the reply editor as a person does (focused, key by key: what announces typing). */
async function typeInEditor(page: Page, text: string) {
  // A conversation just opened may still be reading its draft into the editor, replacing what was typed.
  await page.waitForLoadState("networkidle");
  await editor(page).click();
  await page.keyboard.type(text);
}

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "agent web app: live updates in Chromium",
  { timeout: 60_000 },
  () => {
    beforeAll(async () => {
      app = await startWebApp({ adminEmail: "owner@realtime.example", adminPassword: PASSWORD });
      const api = app.adminApi;
      for (const agent of [ADA, BOB]) await app.hireAgent({ ...agent, password: PASSWORD });
      chatInbox = await api("POST", "/api/v1/inboxes", {
        name: "Website chat",
        channel: "livechat",
        config: {
          allowed_domains: ["shop.example.com"],
          prechat_form: { enabled: true, fields: [{ key: "name", label: "Your name", type: "text" }] },
        },
      });
      const mailInbox = await app.createMailInbox();
      // A customer whose mail server refuses our replies: a reply to them ends up failed.
      const dan = await createContact(app.seed, app.tenant, { email: `dan@${REFUSED_DOMAIN}`, firstName: "Dan" });
      const mail = await createConversation(app.seed, app.tenant, {
        inboxId: mailInbox.id,
        contactId: dan.id,
        subject: "Parcel never came",
        lastMessageAt: new Date(Date.now() - 3600_000),
      });
      await createMessage(app.seed, app.tenant, mail.id, { text: "My parcel never came." });
      mailUuid = mail.uuid;

      a = await app.openPage();
      b = await app.openPage();
      await openSignedIn(app, a.page, "/inboxes/all", ADA.email, PASSWORD);
      await openSignedIn(app, b.page, "/inboxes/all", BOB.email, PASSWORD);
      for (const side of [a, b]) {
        await side.page.getByRole("heading", { name: "All conversations" }).waitFor();
        await mark(side.page);
        // Signing in asks first whether someone is signed in (nobody is).
        expect(side.watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]);
      }
    }, 240_000);

    afterEach(async () => {
      for (const side of [a, b]) {
        expect(side.watch.problems).toEqual([]);
        expect(side.watch.takeHttpErrors()).toEqual([]);
        expect(await reloaded(side.page), "the page was not reloaded").toBe(false);
      }
    });

    afterAll(async () => {
      await app?.close();
    });

    it("a chat a customer starts on the website appears in both agents' lists without a reload", async () => {
      await rowWith(b.page, "Parcel never came").waitFor();
      expect(await rowWith(b.page, "kettle").count()).toBe(0);
      const started = await widget<{ conversation: { uuid: string }; session_token: string }>("/conversations/init", {
        message: "Is the blue kettle back in stock?",
        form_data: { name: "Carla" },
      });
      chat = { uuid: started.conversation.uuid, token: started.session_token };
      for (const side of [a, b]) await rowWith(side.page, "Is the blue kettle back in stock?").waitFor();
      await b.page.getByText("2 conversations").waitFor();
      // Newest first, as the API sorts: the refetched page, not a guess.
      expect(await b.page.getByTestId("conversation-row").first().textContent()).toContain("kettle");
      await screenshot(b.page, "realtime-list-new-chat");
    });

    it("shows who else is viewing, and who is typing: another agent, and the customer in the widget", async () => {
      await rowWith(b.page, "kettle").click();
      await thread(b.page).getByText("Is the blue kettle back in stock?", { exact: true }).waitFor();
      await rowWith(a.page, "kettle").click();
      await thread(a.page).getByText("Is the blue kettle back in stock?", { exact: true }).waitFor();
      await b.page.getByTestId("conversation-viewers").getByText("Ada is viewing").waitFor();
      await a.page.getByTestId("conversation-viewers").getByText("Bob is viewing").waitFor();

      // Ada starts a reply: Bob sees her typing.
      await typeInEditor(a.page, "Let me check the warehouse");
      await b.page.getByTestId("typing-indicator").getByText("Ada is typing…").waitFor();

      // Carla types in the widget (its own WebSocket): both agents see it.
      const visitor = new WebSocket(`${app.url.replace(/^http/, "ws")}/widget/ws?token=${chat.token}`, {
        origin: SHOP,
      });
      await new Promise((resolve, reject) => visitor.once("open", resolve).once("error", reject));
      try {
        visitor.send(JSON.stringify({ type: "typing", data: { conversation_uuid: chat.uuid, is_typing: true } }));
        for (const side of [a, b])
          await side.page.getByTestId("typing-indicator").getByText("Carla is typing…").waitFor();
        await screenshot(b.page, "realtime-presence-typing");
        // This suite's own parts (the whole screens are the other suites' to check).
        expect(
          await axeViolations(
            b.page,
            "serious",
            '[data-testid="conversation-viewers"], [data-testid="typing-indicator"]',
          ),
        ).toEqual([]);
        visitor.send(JSON.stringify({ type: "typing", data: { conversation_uuid: chat.uuid, is_typing: false } }));
        await expect.poll(() => b.page.getByText("Carla is typing…").count()).toBe(0);
      } finally {
        visitor.close();
      }
      // Ada clears her text and leaves the editor: her typing ends for Bob.
      await a.page.keyboard.press("ControlOrMeta+a");
      await a.page.keyboard.press("Backspace");
      await editor(a.page).blur();
      await expect.poll(() => b.page.getByText("Ada is typing…").count()).toBe(0);
    });

    it("Ada's reply shows in Bob's open conversation at once; her resolving it takes it off both Open lists", async () => {
      await typeInEditor(a.page, "Yes, it is back since this morning.");
      await a.page.getByRole("button", { name: "Send", exact: true }).click();
      await b.page.getByTestId("message-outgoing").getByText("Yes, it is back since this morning.").waitFor();
      // The sender's own thread shows it once (the push and the send's answer are the same message).
      await a.page.getByTestId("message-outgoing").getByText("Yes, it is back since this morning.").waitFor();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await a.page.getByTestId("message-outgoing").count()).toBe(1);
      expect(await b.page.getByTestId("message-outgoing").count()).toBe(1);

      // The customer answers in the widget: a new incoming message in both open threads, marked seen.
      await widget(`/conversations/${chat.uuid}/message`, { message: "Great, I'll order one." }, chat.token);
      for (const side of [a, b]) await thread(side.page).getByText("Great, I'll order one.", { exact: true }).waitFor();

      await a.page.getByTestId("status-menu").click();
      await a.page.getByRole("menuitemradio", { name: "Resolved" }).click();
      await expect.poll(() => b.page.getByTestId("status-menu").textContent()).toContain("Resolved");
      // Resolved is not Open: the row leaves both lists (Ada's own change included), without a reload.
      for (const side of [a, b]) await expect.poll(() => rowWith(side.page, "kettle").count()).toBe(0);
      await b.page.getByText("1 conversation", { exact: true }).waitFor();
      await screenshot(b.page, "realtime-resolved-left-list");
    });

    it("a reply's delivery status follows live: the customer's server refuses it, both agents see it failed", async () => {
      for (const side of [a, b]) {
        await rowWith(side.page, "Parcel never came").click();
        await thread(side.page).getByText("My parcel never came.").waitFor();
      }
      await typeInEditor(a.page, "Sorry Dan, we are on it.");
      await a.page.getByRole("button", { name: "Send", exact: true }).click();
      for (const side of [a, b]) {
        const reply = side.page.getByTestId("message-outgoing").filter({ hasText: "Sorry Dan, we are on it." });
        await reply.waitFor();
        await expect.poll(() => reply.getByTestId("delivery-status").textContent()).toMatch(/not delivered/i);
      }
      await screenshot(b.page, "realtime-delivery-failed");
    });

    it("loses the connection, says it is reconnecting, then reconnects and catches up on what it missed", async () => {
      await rowWith(b.page, "Parcel never came").waitFor();
      await b.context.setOffline(true);
      await b.page.getByTestId("realtime-reconnecting").getByText("Reconnecting…").waitFor();
      await screenshot(b.page, "realtime-reconnecting");
      expect(await axeViolations(b.page, "serious", '[data-testid="realtime-reconnecting"]')).toEqual([]);

      // Meanwhile: a new message in the conversation Bob has open, and a new chat.
      const parcel = await app.adminApi("POST", `/api/v1/conversations/${mailUuid}/messages`, {
        message: "<p>Internal: courier contacted.</p>",
        private: true,
      });
      expect(parcel.uuid).toBeTruthy();
      const other = await widget<{ session_token: string }>("/conversations/init", {
        message: "Do you ship to Norway?",
        form_data: { name: "Nora" },
      });
      expect(other.session_token).toBeTruthy();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await thread(b.page).getByText("Internal: courier contacted.").count()).toBe(0);

      await b.context.setOffline(false);
      await expect.poll(() => b.page.getByTestId("realtime-reconnecting").count()).toBe(0);
      await thread(b.page).getByText("Internal: courier contacted.").waitFor();
      await rowWith(b.page, "Do you ship to Norway?").waitFor();
      // A request the page made while offline (a timer's refresh) failed, as it must: Chrome logs each such
      // failure. Those lines, and only those, belong to this test.
      const offline = b.watch.problems.filter((p) => p.includes("net::ERR_INTERNET_DISCONNECTED"));
      b.watch.problems.splice(0, b.watch.problems.length, ...b.watch.problems.filter((p) => !offline.includes(p)));

      // Subscribed and viewing again: live as before.
      await a.page.getByTestId("conversation-viewers").getByText("Bob is viewing").waitFor();
      await typeInEditor(a.page, "The courier promised Friday.");
      await a.page.getByRole("button", { name: "Send", exact: true }).click();
      await thread(b.page).getByText("The courier promised Friday.").waitFor();

      // The server drops every socket, as a restart does: both browsers come back on their own (backoff).
      await app.server.realtime.close();
      expect(app.server.realtime.stats().connections).toBe(0);
      await waitFor("both browsers to reconnect", () =>
        app.server.realtime.stats().connections === 2 ? true : undefined,
      );
      for (const [side, other] of [
        [a, "Bob"],
        [b, "Ada"],
      ] as const) {
        await side.page.getByTestId("conversation-viewers").getByText(`${other} is viewing`).waitFor();
        expect(await side.page.getByTestId("realtime-reconnecting").count()).toBe(0);
      }
      await typeInEditor(a.page, "Friday it is.");
      await a.page.getByRole("button", { name: "Send", exact: true }).click();
      await thread(b.page).getByText("Friday it is.").waitFor();
    });

    it("a change to a conversation Bob is not concerned by reaches his All conversations list live", async () => {
      // Nora's chat is nobody's; Bob never opened, followed or was mentioned in it.
      const norway = rowWith(b.page, "Do you ship to Norway?");
      await expect.poll(() => norway.textContent()).toContain("Open");
      await rowWith(a.page, "Do you ship to Norway?").click();
      await thread(a.page).getByText("Do you ship to Norway?", { exact: true }).waitFor();
      await a.page.getByTestId("status-menu").click();
      await a.page.getByRole("menuitemradio", { name: "Resolved" }).click();
      // Resolved is not Open: the row leaves Bob's list, without a reload.
      await expect.poll(() => norway.count()).toBe(0);
      await b.page.getByText("1 conversation", { exact: true }).waitFor();
      // Ada back on Dan's conversation, where Bob is (the next test watches him leave it).
      await rowWith(a.page, "Parcel never came").click();
      await a.page.getByTestId("conversation-viewers").getByText("Bob is viewing").waitFor();
    });

    it("signing out closes the connection (one per signed-in session)", async () => {
      const before = app.server.realtime.stats().connections;
      await b.page.getByRole("button", { name: /Account and theme/ }).click();
      await b.page.getByRole("menuitem", { name: "Sign out" }).click();
      await b.page.getByRole("heading", { name: "Sign in" }).waitFor();
      await waitFor("Bob's socket to close", () =>
        app.server.realtime.stats().connections === before - 1 ? true : undefined,
      );
      // Ada sees Bob gone from the conversation.
      await expect.poll(() => a.page.getByText("Bob is viewing").count()).toBe(0);
    });
  },
);
