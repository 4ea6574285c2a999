import { conversations } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { createAgent, createContact, createConversation, createInbox, createMessage } from "../support/factories.ts";
import { openSignedIn, pathOf as pathOfPage, startWebApp, type WebApp } from "../support/web-app.ts";

/**
 * The conversation lists of the agent web app in Chromium, against the real API: the filter builder (the
 * API's fields and operators, chips, the URL keeping them), saving a filter as a personal view, sorting,
 * the rows' markers (unread, priority, status, waiting time, SLA, assignee) and bulk changes of ticked rows.
 */
const ADMIN_EMAIL = "owner@web-list.example";
const ADMIN_PASSWORD = "web-list-password-1";
const HOUR = 3600_000;

let app: WebApp;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let bea: { id: number };
const uuidOf: Record<string, string> = {};

const pathOf = () => pathOfPage(page);
const rows = () => page.getByTestId("conversation-row");
const subjects = async () => (await rows().getByTestId("row-subject").allTextContents()).map((s) => s.trim());
const conditions = () => page.getByTestId("filter-condition");

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "web app: conversation lists",
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      app = await startWebApp({ adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD });
      const { seed, tenant, adminApi } = app;
      const me = await adminApi("GET", "/api/v1/agents/me");
      bea = await createAgent(seed, tenant, { firstName: "Bea", permissions: ["conversations:read"] });
      await adminApi("POST", "/api/v1/teams", { name: "Billing", members: [me.id] });
      for (const name of ["vip", "refund"]) await adminApi("POST", "/api/v1/tags", { name });
      await adminApi("POST", "/api/v1/custom-attributes", {
        applies_to: "conversation",
        name: "Plan",
        key: "plan",
        type: "list",
        values: ["Free", "Pro"],
      });
      const inbox = await createInbox(seed, tenant, { name: "Support" });
      const now = Date.now();
      // Open and urgent: five; open and otherwise: four; one resolved urgent one stays out of the Open lists.
      const specs: {
        subject: string;
        status?: string;
        priorityId?: number;
        minutesAgo: number;
        tags?: string[];
        mine?: boolean;
      }[] = [
        { subject: "Urgent refund 1", priorityId: 4, minutesAgo: 5 },
        { subject: "Urgent refund 2", priorityId: 4, minutesAgo: 15 },
        { subject: "Urgent refund 3", priorityId: 4, minutesAgo: 25, tags: ["refund"] },
        { subject: "Urgent refund 4", priorityId: 4, minutesAgo: 35 },
        { subject: "Urgent refund 5", priorityId: 4, minutesAgo: 45 },
        { subject: "High question", priorityId: 3, minutesAgo: 55, mine: true },
        { subject: "Low question", priorityId: 1, minutesAgo: 65 },
        { subject: "No priority yet", minutesAgo: 75 },
        { subject: "Quiet for days", priorityId: 2, minutesAgo: 3 * 24 * 60 },
        { subject: "Resolved urgent", status: "Resolved", priorityId: 4, minutesAgo: 2 },
      ];
      for (const [i, s] of specs.entries()) {
        const contact = await createContact(seed, tenant, { email: `list${i}@example.org`, firstName: `Client ${i}` });
        const at = new Date(now - s.minutesAgo * 60_000);
        const c = await createConversation(seed, tenant, {
          inboxId: inbox.id,
          contactId: contact.id,
          subject: s.subject,
          status: s.status,
          priorityId: s.priorityId ?? null,
          assignedUserId: s.mine ? me.id : null,
          tags: s.tags,
          lastMessageAt: at,
        });
        await createMessage(seed, tenant, c.id, { text: `Message about ${s.subject}`, createdAt: at });
        uuidOf[s.subject] = c.uuid;
      }
      // The customer waits for a reply since 3 hours; its next SLA target passed half an hour ago, another's is ahead.
      const db = app.server.database.db;
      await db
        .update(conversations)
        .set({ waitingSince: new Date(now - 3 * HOUR), nextSlaDeadlineAt: new Date(now - HOUR / 2) })
        .where(eq(conversations.uuid, uuidOf["Urgent refund 1"]!));
      await db
        .update(conversations)
        .set({ nextSlaDeadlineAt: new Date(now + 5 * HOUR) })
        .where(eq(conversations.uuid, uuidOf["Urgent refund 2"]!));
      ({ page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => {
      expect(watch.problems).toEqual([]);
      expect(watch.takeHttpErrors()).toEqual([]);
    });

    afterAll(async () => {
      await app?.close();
    });

    it("shows rows with unread, status and priority chips, waiting time, SLA and the assignee", async () => {
      await openSignedIn(app, page, "/inboxes/all");
      await page.getByRole("heading", { name: "All conversations" }).waitFor();
      // Not signed in yet: the app's first question answered 401, then the sign-in form.
      expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]);
      await expect.poll(() => rows().count()).toBe(9);
      const first = rows().first();
      expect(await first.textContent()).toContain("Urgent refund 1");
      expect(await first.getByText("1 unread message").count()).toBe(1);
      expect(await first.getByTestId("row-waiting").textContent()).toMatch(/waiting 3 hr/);
      expect(await first.getByTestId("row-sla").textContent()).toMatch(/SLA overdue by 30 min/);
      expect(await rows().nth(1).getByTestId("row-sla").textContent()).toMatch(/SLA due in 4 hr/);
      const mine = rows().filter({ hasText: "High question" });
      expect(await mine.getByText(/Assigned to /).count()).toBe(1);
      expect(await mine.textContent()).toContain("High");
    });

    it("builds a filter (status = Open AND priority = Urgent): chips, the URL, and a reload keep it", async () => {
      await page.getByRole("button", { name: /^Filters/ }).click();
      await page.getByRole("heading", { name: "Filters" }).waitFor();
      // The first condition starts on the first field the API lists: status.
      const one = conditions().nth(0);
      expect(await one.getByLabel("Field").inputValue()).toBe("status_id");
      await one.getByLabel("Value").selectOption({ label: "Open" });
      await page.getByRole("button", { name: "Add a condition" }).click();
      const two = conditions().nth(1);
      await two.getByLabel("Field").selectOption({ label: "Priority" });
      await two.getByLabel("Value").selectOption({ label: "Urgent" });
      // Custom attributes are fields too.
      expect(await two.getByLabel("Field").locator("optgroup option", { hasText: "Plan" }).count()).toBe(1);
      await screenshot(page, "list-filter-builder");
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole("button", { name: "Apply" }).click();

      const chips = page.getByTestId("filter-chip");
      await expect
        .poll(() => chips.allTextContents())
        .toEqual([expect.stringContaining("Status is Open"), expect.stringContaining("Priority is Urgent")]);
      await expect.poll(() => rows().count()).toBe(5);
      const url = new URL(page.url());
      expect(JSON.parse(url.searchParams.get("filters")!)).toEqual([
        { field: "status_id", operator: "=", value: expect.any(Number) },
        { field: "priority_id", operator: "=", value: 4 },
      ]);

      await page.reload();
      await expect.poll(() => chips.count()).toBe(2);
      await expect.poll(() => rows().count()).toBe(5);
      expect(await chips.first().textContent()).toContain("Status is Open");
      await screenshot(page, "list-filtered");
      expect(await axeViolations(page)).toEqual([]);

      // A chip's remove button drops that condition only; back brings it again.
      await page.getByRole("button", { name: "Remove the filter Priority is Urgent" }).click();
      await expect.poll(() => rows().count()).toBe(9);
      await page.goBack();
      await expect.poll(() => chips.count()).toBe(2);
      await expect.poll(() => rows().count()).toBe(5);
    });

    it("shows the API's message for a filter it refuses", async () => {
      const bad = encodeURIComponent(JSON.stringify([{ field: "subject", operator: "greater than", value: "x" }]));
      await page.goto(`${app.url}/inboxes/all?filters=${bad}`);
      await page.getByText('filters[0].operator: "greater than" is not allowed for field "subject"').waitFor();
      expect(watch.takeHttpErrors()).toEqual(["400 GET /api/v1/conversations/all"]);
      await page.goBack();
      await expect.poll(() => rows().count()).toBe(5);
    });

    it("saves the filter as a personal view: it appears in the sidebar and lists the same rows", async () => {
      await page.getByRole("button", { name: /^Filters/ }).click();
      await page.getByRole("button", { name: "Save as view" }).click();
      // An empty name: the API's message sits under the field.
      await page.getByRole("button", { name: "Save view" }).click();
      await page.locator("#view-name-error").waitFor();
      expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/views/me"]);
      await page.getByLabel("View name").fill("Urgent open");
      await page.getByRole("button", { name: "Save view" }).click();
      await page.getByRole("heading", { name: "Urgent open" }).waitFor();
      expect(pathOf()).toMatch(/^\/inboxes\/views\/\d+$/);
      const nav = page.getByRole("navigation", { name: "Main" });
      expect(await nav.getByRole("link", { name: "Urgent open" }).count()).toBe(1);
      await expect.poll(() => rows().count()).toBe(5);
    });

    it("sorts by oldest activity (in the URL)", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "All conversations" }).click();
      await expect.poll(() => rows().count()).toBe(9);
      await page.getByLabel("Sort by").selectOption("oldest");
      await expect.poll(() => pathOf()).toBe("/inboxes/all?sort=oldest");
      await expect.poll(async () => (await subjects())[0]).toBe("Quiet for days");
      expect((await subjects()).at(-1)).toBe("Urgent refund 1");
    });

    it("bulk: resolves 3 ticked rows (they leave the Open list), assigns an agent, tags, and reports a partial failure", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Urgent open" }).click();
      await expect.poll(() => rows().count()).toBe(5);
      for (const n of [3, 4, 5]) await page.getByRole("checkbox", { name: new RegExp(`Urgent refund ${n}$`) }).check();
      const bar = page.getByTestId("bulk-bar");
      await bar.getByText("3 selected").waitFor();
      await screenshot(page, "list-bulk-selected");
      expect(await axeViolations(page)).toEqual([]);
      await page.getByTestId("bulk-status").click();
      await page.getByRole("menuitem", { name: "Resolved" }).click();
      await page.getByTestId("bulk-report").getByText("Status set to Resolved: 3 conversations changed").waitFor();
      await expect.poll(() => rows().count()).toBe(2);
      for (const n of [3, 4, 5]) {
        const c = await app.adminApi("GET", `/api/v1/conversations/${uuidOf[`Urgent refund ${n}`]}`);
        expect(c.status).toBe("Resolved");
      }

      await page.getByTestId("select-page").check();
      await bar.getByText("2 selected").waitFor();
      await page.getByTestId("bulk-agent").click();
      await page.getByRole("menuitem", { name: "Bea Smith" }).click();
      await page.getByTestId("bulk-report").getByText("Assigned to Bea Smith: 2 conversations changed").waitFor();
      await expect.poll(() => rows().getByText("Assigned to Bea Smith").count()).toBe(2);

      await page.getByTestId("select-page").check();
      await page.getByTestId("bulk-tag").click();
      await page.getByRole("menuitem", { name: "vip" }).click();
      await page.getByTestId("bulk-report").getByText("Tagged vip: 2 conversations changed").waitFor();
      for (const n of [1, 2]) {
        const c = await app.adminApi("GET", `/api/v1/conversations/${uuidOf[`Urgent refund ${n}`]}`);
        expect(c.assigned_user_id).toBe(bea.id);
        expect(c.tags).toContain("vip");
      }
      await expect.poll(() => rows().getByText("vip", { exact: true }).count()).toBe(2);
      await screenshot(page, "list-bulk-done");

      // A partial failure: one ticked conversation is gone when the change reaches it (deleted behind the
      // list's back, no event); the other changes, and the report names the one that did not, with the API's message.
      // The deletion happens as the change is sent: deleted any earlier, a list refresh (a late push from the changes
      // above) would rightly drop its row, and with it the tick.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "All conversations" }).click();
      await expect.poll(() => rows().count()).toBe(6);
      for (const subject of ["Low question", "No priority yet"])
        await page.getByRole("checkbox", { name: new RegExp(`${subject}$`) }).check();
      const gone = uuidOf["No priority yet"]!;
      await page.route(`**/api/v1/conversations/${gone}/status`, async (route) => {
        await app.server.database.db.delete(conversations).where(eq(conversations.uuid, gone));
        await route.continue();
      });
      await page.getByTestId("bulk-status").click();
      await page.getByRole("menuitem", { name: "Closed" }).click();
      const report = page.getByTestId("bulk-report");
      await report.getByRole("listitem").first().waitFor();
      expect((await report.textContent())?.replace(/\s+/g, " ")).toContain(
        "Status set to Closed: 1 conversation changed, 1 failed",
      );
      expect(await report.getByRole("listitem").allTextContents()).toEqual([
        expect.stringMatching(/^#8: .*not found/i),
      ]);
      expect(watch.takeHttpErrors()).toEqual([`404 PUT /api/v1/conversations/${uuidOf["No priority yet"]}/status`]);
      await expect.poll(() => rows().count()).toBe(4);
      await screenshot(page, "list-bulk-partial");
    });

    it("edits and deletes the personal view", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Urgent open" }).click();
      await page.getByRole("heading", { name: "Urgent open" }).waitFor();
      await page.getByRole("button", { name: "Edit view" }).click();
      await page.getByLabel("View name").fill("Urgent, open");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByRole("heading", { name: "Urgent, open" }).waitFor();
      await page.getByRole("button", { name: "Edit view" }).click();
      await page.getByRole("button", { name: "Delete view" }).click();
      await page.getByText("Delete “Urgent, open” for good?").waitFor();
      await page.getByRole("button", { name: "Delete view" }).click();
      await page.getByRole("heading", { name: "My inbox" }).waitFor();
      expect(
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Urgent, open" }).count(),
      ).toBe(0);
      expect(await app.adminApi("GET", "/api/v1/views/me")).toEqual([]);
    });

    it("on a phone, in the dark theme: the unread dot keeps its distance from the name; no serious accessibility violation", async () => {
      // The same session in a phone-sized window.
      const phone = await app.openPage({
        viewport: { width: 390, height: 844 },
        colorScheme: "dark",
        storageState: await page.context().storageState(),
      });
      try {
        await phone.page.goto(`${app.url}/inboxes/all?sort=priority`);
        const first = phone.page.getByTestId("conversation-row").first();
        await first.waitFor();
        const dot = await first.getByTestId("unread-dot").boundingBox();
        const name = await first.getByTestId("row-contact").boundingBox();
        expect(dot && name && name.x - (dot.x + dot.width)).toBeGreaterThanOrEqual(6);
        await screenshot(phone.page, "list-phone-dark");
        expect(await axeViolations(phone.page)).toEqual([]);
        expect(phone.watch.problems).toEqual([]);
        expect(phone.watch.takeHttpErrors()).toEqual([]);
      } finally {
        await phone.context.close();
      }
    });
  },
);
