import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { createAgent, createContact, createConversation, createInbox, createMessage } from "../support/factories.ts";
import { mahoOrder, startMahoServer, type MahoServer } from "../support/maho-server.ts";
import { openSignedIn, pathOf, startWebApp, type WebApp } from "../support/web-app.ts";

/**
 * The conversation sidebar and the contacts screens of the agent web app, in Chromium against the embedded
 * server (tests/support/web-app.ts): each change made in the page is checked in the API's own answer.
 * The orders panel reads a local Maho store (tests/support/maho-server.ts).
 */
const MAHO_CLIENT = "sidebar-store";
const MAHO_SECRET = "sidebar-store-secret-1";

let app: WebApp;
let maho: MahoServer;
let context: BrowserContext;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let uuid: string;
let earlierUuid: string;
let carlaId: number;
let bobId: number;
let teamId: number;
let meId: number;

/** expect.poll with room for a busy machine (its default gives up after one second). */
const eventually = <T>(probe: () => T | Promise<T>) => expect.poll(probe, { timeout: 15_000 });
const conversation = () => app.adminApi("GET", `/api/v1/conversations/${uuid}`);
const sidebar = () => page.getByTestId("conversation-sidebar");

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "web app: conversation sidebar and contacts in Chromium",
  { timeout: 90_000 },
  () => {
    beforeAll(async () => {
      maho = await startMahoServer({ clientId: MAHO_CLIENT, clientSecret: MAHO_SECRET });
      maho.customers.push({
        id: 7,
        email: "carla@example.com",
        firstname: "Carla",
        lastname: "Customer",
        createdAt: "2025-02-01 10:00:00",
      });
      maho.orders.push(
        mahoOrder({
          id: 1,
          incrementId: "100000042",
          customerEmail: "carla@example.com",
          createdAt: "2026-11-20 09:00:00",
          status: "shipped",
        }),
      );
      app = await startWebApp({ adminEmail: "owner@web-sidebar.example", adminPassword: "web-sidebar-password-1" });
      const api = app.adminApi;
      const { seed, tenant } = app;
      meId = (await api("GET", "/api/v1/agents/me")).id;
      bobId = (await createAgent(seed, tenant, { firstName: "Bob", email: "bob@web-sidebar.example" })).id;
      teamId = (await api("POST", "/api/v1/teams", { name: "Billing", members: [meId] })).id;
      await api("POST", "/api/v1/tags", { name: "refund" });
      await api("POST", "/api/v1/custom-attributes", {
        applies_to: "conversation",
        name: "Order reference",
        key: "order_ref",
        type: "text",
        regex: "^ORD-\\d+$",
      });
      await api("PUT", "/api/v1/ecommerce/settings", {
        enabled: true,
        base_url: maho.url,
        client_id: MAHO_CLIENT,
        client_secret: MAHO_SECRET,
      });

      const inbox = await createInbox(seed, tenant, { name: "Support" });
      const carla = await createContact(seed, tenant, { email: "carla@example.com", firstName: "Carla" });
      carlaId = carla.id;
      await api("PUT", `/api/v1/contacts/${carla.id}`, {
        channels: [
          { kind: "email", value: "carla.work@example.net" },
          { kind: "phone", value: "+44 20 7946 0000" },
        ],
      });
      for (let i = 0; i < 3; i++)
        await createContact(seed, tenant, { email: `other${i}@example.org`, firstName: `Other ${i}` });
      const earlier = await createConversation(seed, tenant, {
        inboxId: inbox.id,
        contactId: carla.id,
        subject: "Kettle warranty",
        status: "Resolved",
        lastMessageAt: new Date(Date.now() - 7 * 86_400_000),
      });
      earlierUuid = earlier.uuid;
      const main = await createConversation(seed, tenant, {
        inboxId: inbox.id,
        contactId: carla.id,
        subject: "Where is my order?",
        lastMessageAt: new Date(),
      });
      await createMessage(seed, tenant, main.id, { text: "Hi, my order 100000042 has not arrived." });
      uuid = main.uuid;
      // Wide enough for the details docked beside the thread (1280 px has them as a drawer: tested below).
      ({ context, page, watch } = await app.openPage({ viewport: { width: 1440, height: 900 } }));
    }, 240_000);

    afterEach(() => {
      expect(watch.problems).toEqual([]);
      expect(watch.takeHttpErrors()).toEqual([]);
    });

    afterAll(async () => {
      await context?.close();
      await app?.close();
      await maho?.close();
    });

    it("shows the contact, earlier conversations and the store's orders beside the thread at 1440 px, with no serious accessibility violation", async () => {
      await openSignedIn(app, page, `/inboxes/all/conversations/${uuid}`, app.adminEmail, app.adminPassword);
      expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]); // not signed in yet
      await page.getByRole("heading", { name: /Where is my order\?/ }).waitFor();
      const card = page.getByTestId("contact-card");
      await card.getByRole("link", { name: "Carla Customer" }).waitFor();
      expect(await card.textContent()).toContain("carla@example.com");
      await sidebar()
        .getByRole("link", { name: /Kettle warranty/ })
        .waitFor();
      const order = sidebar().getByTestId("order");
      await order.waitFor();
      expect(await order.textContent()).toContain("#100000042");
      expect(await order.textContent()).toContain("Mentioned");
      // Docked: right of the thread, not over it; the header's toggle says so.
      const thread = (await page.getByRole("region", { name: "Messages" }).boundingBox())!;
      const panel = (await page.locator("#conversation-sidebar").boundingBox())!;
      expect(panel.x).toBeGreaterThanOrEqual(thread.x + thread.width - 1);
      expect(thread.width).toBeGreaterThan(500);
      expect(await page.getByRole("button", { name: "Details", exact: true }).getAttribute("aria-expanded")).toBe(
        "true",
      );
      await screenshot(page, "sidebar-1440");
      expect(await axeViolations(page, "serious", "#conversation-sidebar")).toEqual([]);
    });

    it("snoozes for an hour: the API answers Snoozed with snoozed_until an hour on; then back to Open", async () => {
      const before = Date.now();
      await sidebar().getByRole("button", { name: "Snooze" }).click();
      await page.getByRole("button", { name: "For 1 hour" }).click();
      await sidebar().getByTestId("snoozed-until").waitFor();
      const c = await conversation();
      expect(c.status).toBe("Snoozed");
      const until = new Date(c.snoozed_until).getTime();
      expect(until).toBeGreaterThanOrEqual(before + 3600_000 - 60_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 3600_000 + 60_000);
      // The header's status control shows the same state (one source of truth).
      await eventually(() => page.getByTestId("status-menu").textContent()).toContain("Snoozed");

      await sidebar().getByLabel("Status").selectOption("Open");
      await eventually(async () => (await conversation()).status).toBe("Open");
      await eventually(() => sidebar().getByTestId("snoozed-until").count()).toBe(0);
    });

    it("assigns another agent and a team through the searchable pickers, then takes it with Assign to me", async () => {
      const agent = sidebar().getByRole("combobox", { name: "Assigned agent" });
      await agent.click();
      await agent.fill("Bob");
      await page.getByRole("option", { name: "Bob Smith" }).click();
      await eventually(async () => (await conversation()).assigned_user_id).toBe(bobId);
      await eventually(() => agent.inputValue()).toBe("Bob Smith");

      const team = sidebar().getByRole("combobox", { name: "Assigned team" });
      await team.click();
      await team.fill("Bil");
      await page.getByRole("option", { name: "Billing" }).click();
      await eventually(async () => (await conversation()).assigned_team_id).toBe(teamId);

      await sidebar().getByRole("button", { name: "Assign to me" }).click();
      await eventually(async () => (await conversation()).assigned_user_id).toBe(meId);
    });

    it("adds a workspace tag, creates a new one, removes one", async () => {
      const add = sidebar().getByRole("combobox", { name: "Add a tag" });
      await add.click();
      await add.fill("ref");
      await page.getByRole("option", { name: "refund" }).click();
      await eventually(async () => (await conversation()).tags).toEqual(["refund"]);

      await add.click();
      await add.fill("vip");
      await page.getByRole("option", { name: "Create “vip”" }).click();
      await eventually(async () => [...(await conversation()).tags].sort()).toEqual(["refund", "vip"]);

      await sidebar().getByRole("button", { name: "Remove the tag refund" }).click();
      await eventually(async () => (await conversation()).tags).toEqual(["vip"]);
    });

    it("sets a custom attribute: a bad value shows the API's message under the field, a good one is saved", async () => {
      const field = sidebar().getByLabel("Order reference");
      await field.fill("nope");
      await field.press("Enter");
      const error = sidebar().locator("#attr-conversation-order_ref-error");
      await error.waitFor();
      expect(await error.textContent()).toContain("must match");
      expect(await field.getAttribute("aria-invalid")).toBe("true");
      expect(watch.takeHttpErrors()).toEqual([`400 PUT /api/v1/conversations/${uuid}/custom-attributes`]);

      await field.fill("ORD-42");
      await field.press("Enter");
      await eventually(async () => (await conversation()).custom_attributes).toEqual({ order_ref: "ORD-42" });
      await eventually(() => error.count()).toBe(0);
    });

    it("follows the conversation and adds a contact note", async () => {
      await sidebar().getByRole("button", { name: "Follow this conversation" }).click();
      await sidebar().getByRole("button", { name: "Stop following" }).waitFor();
      const participants = await app.adminApi("GET", `/api/v1/conversations/${uuid}/participants`);
      expect(participants.map((p: { id: number }) => p.id)).toContain(meId);

      await sidebar().getByPlaceholder("Write a note about this contact…").fill("Prefers email, not phone.");
      await sidebar().getByRole("button", { name: "Add note" }).click();
      await sidebar().getByTestId("contact-note").filter({ hasText: "Prefers email, not phone." }).waitFor();
      const notes = await app.adminApi("GET", `/api/v1/contacts/${carlaId}/notes`);
      expect(notes.map((n: { note: string }) => n.note)).toEqual(["Prefers email, not phone."]);
    });

    it("at 1440 px the header's Details toggle collapses the docked panel (remembered across a reload) and brings it back", async () => {
      const toggle = page.getByRole("button", { name: "Details", exact: true });
      const card = page.getByTestId("contact-card");
      await toggle.click();
      await eventually(() => card.isVisible()).toBe(false);
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      await page.reload();
      await page.getByRole("heading", { name: /Where is my order\?/ }).waitFor();
      expect(await card.isVisible()).toBe(false);
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      await toggle.click();
      await card.waitFor({ state: "visible" });
      expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    });

    it("at 1280 px the details are a drawer over the thread, closed by default, opened by the header's toggle", async () => {
      const mid = await app.openPage({
        viewport: { width: 1280, height: 800 },
        storageState: await context.storageState(),
      });
      try {
        await mid.page.goto(`${app.url}/inboxes/all/conversations/${uuid}`);
        await mid.page.getByRole("heading", { name: /Where is my order\?/ }).waitFor();
        const card = mid.page.getByTestId("contact-card");
        const toggle = mid.page.getByRole("button", { name: "Details", exact: true });
        expect(await card.isVisible()).toBe(false);
        expect(await toggle.getAttribute("aria-expanded")).toBe("false");
        // Without the panel the thread has room: app sidebar 240 + list 320 leave it 720 px.
        const thread = (await mid.page.getByRole("region", { name: "Messages" }).boundingBox())!;
        expect(thread.width).toBeGreaterThanOrEqual(700);
        await screenshot(mid.page, "sidebar-1280-closed");
        await toggle.click();
        await card.waitFor({ state: "visible" });
        expect(await toggle.getAttribute("aria-expanded")).toBe("true");
        await new Promise((r) => setTimeout(r, 300)); // the slide-in transition
        const panel = (await mid.page.locator("#conversation-sidebar").boundingBox())!;
        expect(panel.x + panel.width).toBeCloseTo(1280, 0); // over the thread's right edge, not beside it
        await screenshot(mid.page, "sidebar-1280");
        expect(await axeViolations(mid.page, "serious", "#conversation-sidebar")).toEqual([]);
        await mid.page.keyboard.press("Escape");
        await eventually(() => card.isVisible()).toBe(false);
        expect(mid.watch.problems).toEqual([]);
        expect(mid.watch.takeHttpErrors()).toEqual([]);
      } finally {
        await mid.context.close();
      }
    });

    it("at 390 px the details open as a drawer from the header", async () => {
      const narrow = await app.openPage({
        viewport: { width: 390, height: 844 },
        storageState: await context.storageState(),
      });
      try {
        await narrow.page.goto(`${app.url}/conversations/${uuid}`);
        await narrow.page.getByRole("heading", { name: /Where is my order\?/ }).waitFor();
        expect(await narrow.page.getByTestId("contact-card").isVisible()).toBe(false);
        await narrow.page.getByRole("button", { name: "Details", exact: true }).click();
        await narrow.page.getByTestId("contact-card").waitFor({ state: "visible" });
        await new Promise((r) => setTimeout(r, 300)); // the slide-in transition
        await screenshot(narrow.page, "sidebar-390");
        expect(await axeViolations(narrow.page, "serious", "#conversation-sidebar")).toEqual([]);
        await narrow.page.getByRole("button", { name: "Close the details" }).click();
        await eventually(() => narrow.page.getByTestId("contact-card").isVisible()).toBe(false);
        expect(narrow.watch.problems).toEqual([]);
        expect(narrow.watch.takeHttpErrors()).toEqual([]);
      } finally {
        await narrow.context.close();
      }
    });

    it("contacts list: columns, search, a link to the contact", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" }).click();
      await page.getByRole("heading", { name: "Contacts" }).waitFor();
      expect(pathOf(page)).toBe("/contacts");
      const rows = page.getByTestId("contact-row");
      await eventually(() => rows.count()).toBe(4);
      for (const column of ["Name", "Email", "Phone number", "Created"])
        expect(await page.getByRole("columnheader", { name: column }).count(), column).toBe(1);
      await screenshot(page, "contacts-list");
      expect(await axeViolations(page)).toEqual([]);

      await page.getByLabel("Search by name, email or phone").fill("carla");
      await eventually(() => rows.count()).toBe(1);
      await eventually(() => pathOf(page)).toBe("/contacts?q=carla");
      await rows
        .first()
        .getByRole("link", { name: /Carla Customer/ })
        .click();
      await page.getByRole("heading", { name: "Carla Customer" }).waitFor();
      expect(pathOf(page)).toBe(`/contacts/${carlaId}`);
    });

    it("contact page: the conversations and notes, a bad email's message under the field, an edit with a calling code, block", async () => {
      await page.getByRole("link", { name: /Kettle warranty/ }).waitFor();
      expect(await page.getByRole("link", { name: /Where is my order\?/ }).count()).toBe(1);
      await page.getByTestId("contact-note").filter({ hasText: "Prefers email, not phone." }).waitFor();
      const channels = await page.getByTestId("contact-channels").textContent();
      for (const identity of ["carla@example.com", "carla.work@example.net", "+44 20 7946 0000"])
        expect(channels).toContain(identity);
      await screenshot(page, "contacts-page");
      expect(await axeViolations(page)).toEqual([]);

      await page.getByLabel("Email").fill("not-an-email");
      await page.getByRole("button", { name: "Save changes" }).click();
      const emailError = page.locator("#email-error");
      await emailError.waitFor();
      expect(await emailError.textContent()).toMatch(/\S/);
      expect(await page.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
      expect(watch.takeHttpErrors()).toEqual([`400 PUT /api/v1/contacts/${carlaId}`]);
      await screenshot(page, "contacts-page-error");

      await page.getByLabel("Email").fill("carla@example.com");
      await page.getByLabel("Last name").fill("Cortez");
      await page.getByLabel("Country calling code").fill("+61");
      await page.getByLabel("Phone number without the calling code").fill("412 345 678");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
      const saved = await app.adminApi("GET", `/api/v1/contacts/${carlaId}`);
      expect(saved).toMatchObject({ last_name: "Cortez", email: "carla@example.com", phone: "+61 412 345 678" });
      expect(await emailError.count()).toBe(0);

      await page.getByRole("button", { name: "Block contact" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Block contact" }).click();
      await page.getByTestId("blocked-badge").waitFor();
      expect((await app.adminApi("GET", `/api/v1/contacts/${carlaId}`)).blocked).toBe(true);

      // The earlier conversation opens from the contact page.
      await page.getByRole("link", { name: /Kettle warranty/ }).click();
      await page.getByRole("heading", { name: /Kettle warranty/ }).waitFor();
      expect(pathOf(page)).toBe(`/conversations/${earlierUuid}`);
    });

    it("contacts list at 390 px", async () => {
      const narrow = await app.openPage({
        viewport: { width: 390, height: 844 },
        storageState: await context.storageState(),
      });
      try {
        await narrow.page.goto(`${app.url}/contacts`);
        await eventually(() => narrow.page.getByTestId("contact-row").count()).toBe(4);
        await screenshot(narrow.page, "contacts-list-390");
        expect(await axeViolations(narrow.page)).toEqual([]);
        expect(narrow.watch.problems).toEqual([]);
        expect(narrow.watch.takeHttpErrors()).toEqual([]);
      } finally {
        await narrow.context.close();
      }
    });
  },
);
