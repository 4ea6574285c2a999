import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ImapServer } from "@helperiq/core/inbox/email-config";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AiServer, startAiServer } from "../support/ai-servers.ts";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { type Dovecot, startDovecot } from "../support/dovecot.ts";
import { decodeQuotedPrintable } from "../support/smtp-peer.ts";
import {
  expectQuiet,
  openFirstSignIn,
  pathOf,
  pickOption,
  signIn,
  startWebApp,
  waitFor,
  type WebApp,
} from "../support/web-app.ts";

/**
 * The quality bar: an admin sets up a workspace from zero in the web app's admin screens (Chromium, the
 * embedded server, nothing seeded through the API): an email inbox against a Dovecot user and the SMTP peer with
 * both server tests green; a live chat whose preview (the real /widget.js on the admin page) starts a conversation
 * the agent inbox then lists; a team, a role with a few permissions picked in the matrix, and an agent holding
 * both, who chooses a password from the welcome mail and signs in to find only what the role allows; a macro
 * applied from that live chat's reply editor; an AI provider against a local OpenAI-compatible server whose
 * embeddings index a web page (served on 127.0.0.1) that the search tester then finds with a score. The API is
 * only read, to check what the screens saved. Each admin screen visited is saved as `zero-<screen>.png` and
 * checked with axe.
 */
const ADMIN = { email: "owner@from-zero.example", password: "from-zero-password-1" };
const AGENT = { first: "Sam", last: "Chat", email: "sam@from-zero.example", password: "sam-chooses-this-1" };
const AI_KEY = "sk-from-zero";
const VISITOR_TEXT = "Hello, is my order 1042 on its way?";

let app: WebApp;
let imap: Dovecot;
let ai: AiServer;
let site: Server;
let siteUrl: string;
let mailbox: ImapServer;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let chatUuid: string;

/**
 * Opens an admin screen as an admin would, from the console's navigation (through the sidebar's Admin link when
 * elsewhere in the app), and waits for its heading. The app is never reloaded between screens.
 */
async function openScreen(name: string) {
  const adminNav = page.getByRole("navigation", { name: "Admin", exact: true });
  if (!(await adminNav.isVisible())) await mainNav().getByRole("link", { name: "Admin", exact: true }).click();
  await adminNav.getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}
const mainNav = () => page.getByRole("navigation", { name: "Main" });
/** The screen's artifact and its axe check (serious and critical violations fail). */
async function record(name: string, target = page) {
  await screenshot(target, `zero-${name}`);
  expect(await axeViolations(target)).toEqual([]);
}
const inSection = (section: string, label: string) =>
  page.getByRole("region", { name: section }).getByLabel(label, { exact: true });
const dialog = () => page.getByRole("dialog");
const savedInboxPage = () =>
  waitFor("the saved inbox's page", () => (/^\/admin\/inboxes\/\d+$/.test(pathOf(page)) ? true : undefined));

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "admin console: a workspace set up from zero",
  { timeout: 60_000 },
  () => {
    beforeAll(async () => {
      // The help page the knowledge source indexes: a site of the workspace's own, on loopback.
      site = createServer((req, res) => {
        if (req.url !== "/help/returns") return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
          `<!doctype html><html lang="en"><head><title>Returns</title></head><body><main><h1>Returns</h1>
<p>Items can be returned within 30 days of delivery for a full refund.</p>
<p>Orders ship from our Hamburg warehouse within two working days.</p></main></body></html>`,
        );
      });
      await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      ai = await startAiServer("openai", { apiKey: AI_KEY });
      [imap, app] = await Promise.all([
        startDovecot(),
        startWebApp({ adminEmail: ADMIN.email, adminPassword: ADMIN.password, env: { OPENAI_BASE_URL: ai.baseUrl } }),
      ]);
      mailbox = await imap.addUser();
      ({ page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => expectQuiet(watch));

    afterAll(async () => {
      await app?.close();
      await Promise.all([
        imap?.stop(),
        ai?.close(),
        new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve())),
      ]);
    });

    it("creates an email inbox whose IMAP and SMTP tests both come back green", async () => {
      await openFirstSignIn(app, page, watch, "/admin/inboxes", ADMIN.email, ADMIN.password);
      await page.getByRole("heading", { level: 1, name: "Inboxes" }).waitFor();
      expect(await app.adminApi("GET", "/api/v1/inboxes")).toEqual([]);
      await record("inboxes-empty");

      await page.getByRole("link", { name: "New email inbox" }).click();
      await page.getByRole("heading", { name: "New email inbox" }).waitFor();
      await page.getByLabel("Name", { exact: true }).fill("Acme Support");
      await page.getByLabel("From address").fill("Acme Support <support@acme.example>");
      const IMAP = "Incoming mail (IMAP)";
      await inSection(IMAP, "Host").fill(mailbox.host);
      await inSection(IMAP, "Port").fill(String(mailbox.port));
      await inSection(IMAP, "Encryption").selectOption("none");
      await inSection(IMAP, "Username").fill(mailbox.username);
      await inSection(IMAP, "Password").fill(mailbox.password);
      const SMTP = "Outgoing mail (SMTP)";
      await inSection(SMTP, "Host").fill("127.0.0.1");
      await inSection(SMTP, "Port").fill(new URL(app.peer.url).port);
      await inSection(SMTP, "Encryption").selectOption("none");

      // Each test's outcome, in words beside its button: green, with the login's latency.
      for (const [section, button] of [
        [IMAP, "Test IMAP"],
        [SMTP, "Test SMTP"],
      ] as const) {
        const region = page.getByRole("region", { name: section });
        await region.getByRole("button", { name: button }).click();
        await region
          .getByRole("status")
          .filter({ hasText: /^\s*Connected: the server accepted the login \(\d+ ms\)\.\s*$/ })
          .waitFor();
      }
      // Both outcomes are green: nothing on the form is an alert. (A taller window shows both in the artifact.)
      expect(await page.getByRole("alert").count()).toBe(0);
      await page.setViewportSize({ width: 1280, height: 1700 });
      await page.getByRole("region", { name: IMAP }).scrollIntoViewIfNeeded();
      await record("inbox-email-new");
      await page.setViewportSize({ width: 1280, height: 800 });

      await page.getByRole("button", { name: "Create inbox" }).click();
      await savedInboxPage();
      await page.getByRole("heading", { level: 1, name: "Acme Support" }).waitFor();
      const [inbox] = await app.adminApi("GET", "/api/v1/inboxes");
      expect(inbox).toMatchObject({
        name: "Acme Support",
        channel: "email",
        enabled: true,
        config: {
          imap: [{ host: mailbox.host, port: mailbox.port, tls: "none", username: mailbox.username }],
          smtp: [{ host: "127.0.0.1", port: Number(new URL(app.peer.url).port), tls: "none" }],
        },
      });
    });

    it("creates a live chat whose preview widget starts a conversation that the agent inbox lists", async () => {
      await page.getByRole("link", { name: "← All inboxes" }).click();
      await page.getByRole("link", { name: "New live chat" }).click();
      await page.getByRole("heading", { name: "New live chat" }).waitFor();
      await page.getByLabel("Name", { exact: true }).fill("Acme chat");
      await page.getByRole("textbox", { name: "Greeting", exact: true }).fill("Hi! Ask us anything.");
      await page.getByRole("button", { name: "Create inbox" }).click();
      await savedInboxPage();

      // The preview is the real widget on this page, talking to the real widget API.
      const preview = page.getByRole("region", { name: "Live preview" });
      await preview.getByRole("button", { name: "Open the widget" }).click();
      const chat = page.locator("#helperiq-widget").getByRole("dialog");
      await chat.getByText("Hi! Ask us anything.").waitFor();
      await chat.getByLabel("Message").fill(VISITOR_TEXT);
      await chat.getByRole("button", { name: "Send" }).click();
      await chat.getByRole("region", { name: "Conversation" }).getByText(VISITOR_TEXT).waitFor();
      await screenshot(page, "zero-inbox-livechat");
      expect(await axeViolations(page, "serious", "[data-admin-area=channels]")).toEqual([]);

      // The agent inbox lists it (the list, not the API, is what is checked).
      await mainNav().getByRole("link", { name: "All conversations" }).click();
      const row = page.getByTestId("conversation-row").filter({ hasText: VISITOR_TEXT });
      await row.waitFor();
      await row.click();
      await page.getByRole("region", { name: "Messages" }).getByText(VISITOR_TEXT).waitFor();
      chatUuid = pathOf(page).split("/").pop()!;
      const conversation = await app.adminApi("GET", `/api/v1/conversations/${chatUuid}`);
      expect(conversation.inbox_name).toBe("Acme chat");
      await screenshot(page, "zero-agent-inbox");
    });

    it("creates a team, a role with permissions picked in the matrix, and an agent holding both (welcome mail on)", async () => {
      await openScreen("Teams");
      await page.getByRole("button", { name: "New team" }).click();
      await dialog().getByLabel("Team name").fill("Chat desk");
      await dialog().getByRole("button", { name: "Create team" }).click();
      await page.getByRole("dialog").waitFor({ state: "detached" });
      await page.getByText("Chat desk").waitFor();
      await record("teams");

      await openScreen("Roles");
      await page.getByRole("button", { name: "New role" }).click();
      await dialog().getByLabel("Role name").fill("Chat agent");
      const allowed = [
        "Open conversations",
        "See unassigned conversations",
        "Read messages",
        "Reply and write notes",
        "Manage macros",
      ];
      for (const label of allowed) await dialog().getByRole("checkbox", { name: label }).check();
      await record("role-matrix");
      await dialog().getByRole("button", { name: "Create role" }).click();
      await page.getByRole("dialog").waitFor({ state: "detached" });
      await page.getByText("5 permissions").waitFor();
      await record("roles");
      const role = (await app.adminApi<{ name: string; permissions: string[] }[]>("GET", "/api/v1/roles")).find(
        (r) => r.name === "Chat agent",
      )!;
      expect(role.permissions.sort()).toEqual([
        "conversations:read",
        "conversations:read_unassigned",
        "macros:manage",
        "messages:read",
        "messages:write",
      ]);

      await openScreen("Agents");
      await page.getByRole("button", { name: "New agent" }).click();
      await dialog().getByLabel("First name").fill(AGENT.first);
      await dialog().getByLabel("Last name").fill(AGENT.last);
      await dialog().getByLabel("Email", { exact: true }).fill(AGENT.email);
      // The form starts with the built-in Agent role: this agent holds only the new one.
      await dialog().getByRole("button", { name: "Remove Agent" }).click();
      await pickOption(dialog(), "Roles", "Chat agent");
      await pickOption(dialog(), "Teams", "Chat desk");
      expect(await dialog().getByLabel("Send a welcome email").isChecked()).toBe(true);
      await dialog().getByRole("button", { name: "Create agent" }).click();
      await page.getByRole("dialog").waitFor({ state: "detached" });
      await page.getByText(AGENT.email).waitFor();
      await record("agents");
      const { results } = await app.adminApi("GET", `/api/v1/agents?q=${encodeURIComponent(AGENT.email)}`);
      expect(results).toEqual([
        expect.objectContaining({ roles: ["Chat agent"], teams: [expect.objectContaining({ name: "Chat desk" })] }),
      ]);
    });

    it("the new agent chooses a password from the welcome mail, signs in and sees only what the role allows", async () => {
      // The welcome mail's link: the agent chooses a password, in a browser of their own.
      const mail = await waitFor("the welcome mail", () => app.peer.received.find((m) => m.to.includes(AGENT.email)));
      const link = new RegExp(`${app.url}/reset-password\\?token=[A-Za-z0-9%_-]+`).exec(
        decodeQuotedPrintable(mail.raw),
      )?.[0];
      expect(link, "the welcome mail carries a set-password link to this server").toBeTruthy();
      const sam = await app.openPage();
      try {
        const { page: p, watch: w } = sam;
        await p.goto(link!);
        await p.getByRole("heading", { name: "Choose a new password" }).waitFor();
        await p.getByLabel("New password", { exact: true }).fill(AGENT.password);
        await p.getByLabel("Repeat the new password").fill(AGENT.password);
        await p.getByRole("button", { name: "Save" }).click();
        // Only once saved: until then the page's link is "Back to sign in", which would leave before the save.
        await p.getByText("Password saved. You can sign in with it now.").waitFor();
        await p.getByRole("link", { name: "Sign in", exact: true }).click();
        await p.getByRole("heading", { name: "Sign in" }).waitFor();
        expect(w.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]); // nobody signed in yet
        await signIn(p, AGENT.email, AGENT.password);
        const main = p.getByRole("navigation", { name: "Main" });
        await main.waitFor();

        // Signed in, the app opens the first list the role may see (not "My inbox", which it may not), where
        // the live chat waits; the role's other list is mentions, and neither all conversations nor contacts.
        await p.getByTestId("conversation-row").filter({ hasText: VISITOR_TEXT }).waitFor();
        expect(pathOf(p)).toBe("/inboxes/unassigned");
        const lists = main.getByRole("region", { name: "Conversations" }).getByRole("link");
        expect(await lists.allInnerTexts()).toEqual(["Unassigned", "Mentions"]);
        expect(await main.getByRole("link", { name: "Contacts" }).count()).toBe(0);

        // The admin console holds the one screen the role manages; another admin address says no.
        await main.getByRole("link", { name: "Admin" }).click();
        const adminNav = p.getByRole("navigation", { name: "Admin", exact: true });
        await adminNav.getByRole("link", { name: "Macros" }).waitFor();
        expect(await adminNav.getByRole("link").allInnerTexts()).toEqual(["Macros"]);
        await adminNav.getByRole("link", { name: "Macros" }).click();
        await p.getByRole("heading", { level: 1, name: "Macros" }).waitFor();
        await p.getByText("No macros yet.").waitFor();
        await record("agent-macros", p);
        await p.goto(`${app.url}/admin/agents`);
        await p.getByRole("heading", { name: "You do not have permission to see this" }).waitFor();
        expect(await p.getByRole("button", { name: "New agent" }).count()).toBe(0);
        await record("agent-denied", p);
        expect(w.problems).toEqual([]);
        expect(w.takeHttpErrors()).toEqual([]);
      } finally {
        await sam.context.close();
      }
    });

    it("creates a macro that, applied from the live chat's reply editor, fills the reply and runs its actions", async () => {
      await openScreen("Macros");
      await page.getByRole("button", { name: "New macro" }).click();
      const form = page.getByRole("form", { name: "New macro" });
      await form.getByLabel("Name", { exact: true }).fill("Order on its way");
      await form.getByTestId("macro-content").click();
      await page.keyboard.type("Your order left our warehouse today.");
      await form.getByRole("button", { name: "Add action" }).click();
      await form.getByLabel("Action 1", { exact: true }).selectOption({ label: "Set priority" });
      await form.getByLabel("To", { exact: true }).selectOption({ label: "High" });
      await form.getByRole("button", { name: "Add action" }).click();
      await form.getByLabel("Action 2", { exact: true }).selectOption({ label: "Assign to team" });
      await form.getByLabel("To", { exact: true }).nth(1).selectOption({ label: "Chat desk" });
      await record("macro-new");
      await form.getByRole("button", { name: "Create macro" }).click();
      await page.getByText("Every agent · 2 actions · never used").waitFor();
      await record("macros");

      await mainNav().getByRole("link", { name: "All conversations" }).click();
      await page.getByTestId("conversation-row").filter({ hasText: VISITOR_TEXT }).click();
      const editor = page.getByTestId("reply-editor");
      await editor.waitFor();
      const picker = page.getByRole("combobox", { name: "Apply a macro…" });
      await picker.click();
      await picker.fill("order");
      await page.getByRole("option", { name: /Order on its way/ }).click();
      await expect.poll(async () => (await editor.textContent())?.trim()).toBe("Your order left our warehouse today.");
      const conversation = await waitFor("the macro's actions", async () => {
        const c = await app.adminApi("GET", `/api/v1/conversations/${chatUuid}`);
        return c.priority === "High" && c.assigned_team_id ? c : undefined;
      });
      const [team] = await app.adminApi<{ id: number; name: string }[]>("GET", "/api/v1/teams");
      expect(conversation.assigned_team_id).toBe(team!.id);
      await screenshot(page, "zero-macro-applied");
    });

    it("adds an AI provider, indexes a web page with its embeddings, and the search tester finds it with a score", async () => {
      await openScreen("AI providers");
      await page.getByLabel("Provider", { exact: true }).selectOption("openai");
      await page.getByLabel("API key").fill(AI_KEY);
      await page.getByLabel("Model", { exact: true }).selectOption("gpt-4o-mini");
      await page.getByRole("button", { name: "Test connection" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: /Connected: gpt-4o-mini\S* answered in \d+ ms\./ })
        .waitFor();
      await page.getByRole("button", { name: "Save" }).first().click();
      await page.getByRole("row").filter({ hasText: "OpenAI" }).getByText("Key saved").waitFor();
      await record("ai-providers");

      await openScreen("AI settings");
      await page.getByLabel("Embeddings provider").selectOption("openai");
      await page.getByRole("button", { name: "Save" }).first().click();
      await page
        .getByRole("status")
        .filter({ hasText: /^Saved$/ })
        .first()
        .waitFor();
      expect(await app.adminApi("GET", "/api/v1/settings/ai")).toMatchObject({ embedding_provider: "openai" });
      await record("ai-settings");

      await openScreen("Knowledge sources");
      await page.getByRole("button", { name: "Add source" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Help centre");
      await page.getByLabel("Type", { exact: true }).selectOption("webpage");
      await page.getByLabel("Page URL").fill(`${siteUrl}/help/returns`);
      await page.getByLabel("Link depth").fill("0");
      await page.getByRole("button", { name: "Save" }).click();
      const item = page.locator('[data-source="Help centre"]');
      await item.getByText("Ready").waitFor();
      await item.getByText(/[1-9]\d* documents?/).waitFor();
      const embedded = ai.requestsTo("/embeddings");
      expect(embedded.length).toBeGreaterThan(0);
      expect(JSON.stringify(embedded[0]!.body.input)).toContain("30 days of delivery");

      await page.getByLabel("Question").fill("Can items be returned for a full refund?");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      const first = page.getByRole("list", { name: "Search results" }).getByRole("listitem").first();
      await first.waitFor();
      expect(await first.textContent()).toContain("Help centre");
      expect(await first.textContent()).toMatch(/similarity -?\d\.\d{3}/);
      // The question went through the provider's embeddings too.
      expect(JSON.stringify(ai.requestsTo("/embeddings").at(-1)!.body.input)).toContain("returned for a full refund");
      await record("knowledge");
    });
  },
);
