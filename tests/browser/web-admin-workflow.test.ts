import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { createContact, createConversation, createMessage } from "../support/factories.ts";
import { expectQuiet, openFirstSignIn, startWebApp, waitFor, type WebApp } from "../support/web-app.ts";

/**
 * The admin console's conversation settings in Chromium against the embedded server: statuses (create, rename,
 * colour, offer-on-send, reorder by keyboard, the API's refusal to delete a built-in one), tags (create, rename,
 * delete, search, a CSV import with a refused line), custom attributes (the server's regex refusal under its
 * field, list values), macros (placeholders and actions, then applied from a conversation's reply editor) and
 * shared views (the inbox's filter builder). Every check of a change reads the API, not the screen alone.
 */
type Status = { id: number; name: string; color: string; show_on_send: boolean; sort_order: number; system: boolean };

let app: WebApp;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let uuid: string;

const api = <T = any>(method: string, path: string, body?: unknown) => app.adminApi<T>(method, path, body);
const statuses = async () =>
  (await api<Status[]>("GET", "/api/v1/statuses")).sort((a, b) => a.sort_order - b.sort_order);
const status = async (name: string) => (await statuses()).find((s) => s.name === name);
/** Waits until `probe` holds (it reads the API). */
const until = (what: string, probe: () => Promise<boolean>) =>
  waitFor(what, async () => ((await probe()) ? true : undefined));
/** Opens an admin screen from the console's navigation. */
async function openScreen(name: string) {
  await page.getByRole("navigation", { name: "Admin", exact: true }).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}
// No DOM types in this program: the page's document is reached through globalThis.
const focusedLabel = () =>
  page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute("aria-label") ?? "");

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "admin: conversation settings",
  { timeout: 60_000 },
  () => {
    beforeAll(async () => {
      app = await startWebApp({ adminEmail: "ada@workflow.example" });
      const me = await api("GET", "/api/v1/agents/me");
      const inbox = await app.createMailInbox();
      const carla = await createContact(app.seed, app.tenant, { email: "carla@example.com", firstName: "Carla" });
      const conversation = await createConversation(app.seed, app.tenant, {
        inboxId: inbox.id,
        contactId: carla.id,
        subject: "Refund for a broken kettle",
        assignedUserId: me.id,
        lastMessageAt: new Date(),
      });
      await createMessage(app.seed, app.tenant, conversation.id, { text: "The kettle arrived broken." });
      uuid = conversation.uuid;
      ({ page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => expectQuiet(watch));

    afterAll(async () => {
      await app?.close();
    });

    describe("statuses", () => {
      it("creates, recolours, offers on send, reorders by keyboard, renames and deletes a status; a built-in one is refused", async () => {
        await openFirstSignIn(app, page, watch, "/admin/statuses");
        await page.getByRole("heading", { level: 1, name: "Statuses" }).waitFor();

        // The API's field error goes under the field.
        await page.getByRole("button", { name: "Add status" }).click();
        await page.locator("#status-new-name-error", { hasText: "required" }).waitFor();
        expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/statuses"]);

        await page.getByLabel("Name", { exact: true }).fill("Waiting on vendor");
        await page.getByRole("button", { name: "Add status" }).click();
        const row = page.getByTestId("status-row").filter({ hasText: "Waiting on vendor" });
        await row.waitFor();
        expect(await page.locator("#status-new-name-error").count()).toBe(0);

        await row.getByLabel("Colour of Waiting on vendor").fill("#c2410c");
        await until("the colour saved", async () => (await status("Waiting on vendor"))?.color === "#c2410c");
        await row.getByLabel("Offer Waiting on vendor when sending a reply").check();
        await until("offered on send", async () => (await status("Waiting on vendor"))?.show_on_send === true);

        // Reordering by keyboard: focus stays on the moved status's button.
        const before = (await statuses()).findIndex((s) => s.name === "Waiting on vendor");
        await row.getByRole("button", { name: "Move Waiting on vendor up" }).focus();
        await page.keyboard.press("Enter");
        await until(
          "moved up",
          async () => (await statuses()).findIndex((s) => s.name === "Waiting on vendor") === before - 1,
        );
        expect(await focusedLabel()).toBe("Move Waiting on vendor up");
        await page.keyboard.press("Enter");
        await until(
          "moved up again",
          async () => (await statuses()).findIndex((s) => s.name === "Waiting on vendor") === before - 2,
        );
        const rows = await page.getByTestId("status-row").allTextContents();
        expect(rows.findIndex((text) => text.includes("Waiting on vendor"))).toBe(before - 2);

        await row.getByRole("button", { name: "Rename Waiting on vendor" }).click();
        await page.getByLabel("New name for Waiting on vendor").fill("Waiting on supplier");
        await page.keyboard.press("Enter");
        await until("renamed", async () => (await status("Waiting on supplier")) !== undefined);

        await screenshot(page, "workflow-statuses");
        expect(await axeViolations(page)).toEqual([]);

        // On a phone the rows wrap: every control still there.
        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, "workflow-statuses-phone");
        await page.setViewportSize({ width: 1280, height: 800 });

        // A built-in status: the API refuses, and its reason is shown on the row once the confirmation closes.
        const spam = (await status("Spam"))!;
        const spamRow = page.getByTestId("status-row").filter({ hasText: "Spam" });
        await spamRow.getByRole("button", { name: "Delete Spam" }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
        await spamRow.getByRole("alert").filter({ hasText: "system statuses cannot be deleted" }).waitFor();
        expect(watch.takeHttpErrors()).toEqual([`400 DELETE /api/v1/statuses/${spam.id}`]);

        const renamed = page.getByTestId("status-row").filter({ hasText: "Waiting on supplier" });
        await renamed.getByRole("button", { name: "Delete Waiting on supplier" }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
        await renamed.waitFor({ state: "detached" });
        expect(await status("Waiting on supplier")).toBeUndefined();
      });
    });

    describe("tags", () => {
      it("creates, searches, renames and deletes tags (after asking)", async () => {
        await openScreen("Tags");
        const newTag = page.getByLabel("New tag", { exact: true });
        for (const name of ["billing", "refnd"]) {
          await newTag.fill(name);
          await page.getByRole("button", { name: "Add tag" }).click();
          await page.getByTestId("tag-row").filter({ hasText: name }).waitFor();
        }
        // A duplicate: the API's message under the field, the text kept.
        await newTag.fill("billing");
        await page.getByRole("button", { name: "Add tag" }).click();
        await page.locator("#tag-new-name-error", { hasText: 'a tag named "billing" already exists' }).waitFor();
        expect(await newTag.inputValue()).toBe("billing");
        expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/tags"]);
        await newTag.fill("");

        await page.getByRole("button", { name: "Rename refnd" }).click();
        await page.getByLabel("New name for refnd").fill("refund");
        await page.keyboard.press("Enter");
        await page.getByTestId("tag-row").filter({ hasText: "refund" }).waitFor();

        await page.getByLabel("Search tags").fill("bill");
        await expect
          .poll(() => page.getByTestId("tag-row").allTextContents())
          .toEqual([expect.stringContaining("billing")]);
        await page.getByLabel("Search tags").fill("");

        await page.getByRole("button", { name: "Delete refund" }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
        await page.getByTestId("tag-row").filter({ hasText: "refund" }).waitFor({ state: "detached" });
        const names = (await api<{ name: string }[]>("GET", "/api/v1/tags")).map((t) => t.name);
        expect(names).toContain("billing");
        expect(names).not.toContain("refund");
      });

      it("imports a CSV file with a live progress bar and lists the line it refused", async () => {
        await page.getByLabel("CSV file", { exact: true }).setInputFiles({
          name: "tags.csv",
          mimeType: "text/csv",
          buffer: Buffer.from("name\nshipping\nbilling\nreturns\n"),
        });
        await page.getByRole("button", { name: "Import", exact: true }).click();
        const job = page.getByTestId("tag-import-job");
        await job.getByText("Import finished: 2 of 3 lines imported, 1 refused.").waitFor();
        expect(await job.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("3");
        const refused = await job.getByTestId("tag-import-error").allTextContents();
        expect(refused).toHaveLength(1);
        expect(refused[0]).toMatch(/^Line 3: .*billing.*already exists/);
        // The list reloads with the imported tags.
        await page.getByTestId("tag-row").filter({ hasText: "returns" }).waitFor();
        await page.getByTestId("tag-row").filter({ hasText: "shipping" }).waitFor();
        await screenshot(page, "workflow-tags");
        expect(await axeViolations(page)).toEqual([]);
      });
    });

    describe("custom attributes", () => {
      it("shows the server's regex refusal under the field, keeps what was typed, then creates the attribute", async () => {
        await openScreen("Custom attributes");
        await page.getByRole("button", { name: "New attribute" }).click();
        const form = page.getByTestId("attribute-form");
        await form.getByLabel("Name", { exact: true }).fill("Order number");
        expect(await form.getByLabel("Key", { exact: true }).inputValue()).toBe("order_number");
        await form.getByLabel("Pattern (regular expression)").fill("(a+)+");
        await form.getByRole("button", { name: "Create attribute" }).click();
        await page.locator("#attr-new-regex-error", { hasText: /repeated group .* exponential time/ }).waitFor();
        expect(await form.getByLabel("Pattern (regular expression)").getAttribute("aria-describedby")).toContain(
          "attr-new-regex-error",
        );
        expect(await form.getByLabel("Name", { exact: true }).inputValue()).toBe("Order number");
        expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/custom-attributes"]);
        await screenshot(page, "workflow-attributes-regex-refused");
        expect(await axeViolations(page)).toEqual([]);

        await form.getByLabel("Pattern (regular expression)").fill("^ORD-[0-9]+$");
        await form.getByRole("button", { name: "Create attribute" }).click();
        await page.getByTestId("attribute-row").filter({ hasText: "order_number" }).waitFor();
        const [created] = await api("GET", "/api/v1/custom-attributes?applies_to=conversation");
        expect(created).toMatchObject({ key: "order_number", type: "text", regex: "^ORD-[0-9]+$" });
      });

      it("creates a list attribute of contacts, edits its values, and deletes it", async () => {
        await page.getByRole("button", { name: "Contacts", exact: true }).click();
        await page.getByText("No attributes here yet.").waitFor();
        await page.getByRole("button", { name: "New attribute" }).click();
        const form = page.getByTestId("attribute-form");
        await form.getByLabel("Name", { exact: true }).fill("Plan");
        await form.getByLabel("Type").selectOption({ label: "List" });
        for (const value of ["Free", "Pro"]) {
          await form.getByLabel("New value").fill(value);
          await form.getByLabel("New value").press("Enter");
        }
        await form.getByRole("button", { name: "Create attribute" }).click();
        const row = page.getByTestId("attribute-row").filter({ hasText: "Plan" });
        await row.getByText("Free, Pro").waitFor();

        await row.getByRole("button", { name: "Edit Plan" }).click();
        await row.getByLabel("New value").fill("Enterprise");
        await row.getByRole("button", { name: "Add value" }).click();
        await row.getByRole("button", { name: "Remove value Free" }).click();
        await row.getByRole("button", { name: "Save" }).click();
        await row.getByText("Pro, Enterprise").waitFor();
        const [plan] = await api("GET", "/api/v1/custom-attributes?applies_to=contact");
        expect(plan).toMatchObject({ key: "plan", type: "list", values: ["Pro", "Enterprise"] });
        await screenshot(page, "workflow-attributes");

        await row.getByRole("button", { name: "Delete Plan" }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
        await page.getByText("No attributes here yet.").waitFor();
        expect(await api("GET", "/api/v1/custom-attributes?applies_to=contact")).toEqual([]);
      });
    });

    describe("macros", () => {
      it("creates a macro with a placeholder and actions (a failed save keeps everything), and edits it", async () => {
        await openScreen("Macros");
        await page.getByRole("button", { name: "New macro" }).click();
        const form = page.getByTestId("macro-form");
        await form.getByTestId("macro-content").click();
        await page.keyboard.type("Hi ");
        await form.getByRole("button", { name: "Insert placeholder" }).click();
        await page.getByRole("menuitem", { name: /Contact's first name/ }).click();
        await page.keyboard.type(", your refund is on its way.");

        await form.getByRole("button", { name: "Add action" }).click();
        await form.getByLabel("Action 1", { exact: true }).selectOption({ label: "Add tag" });
        await form.getByLabel("To", { exact: true }).selectOption({ label: "billing" });
        await form.getByRole("button", { name: "Add action" }).click();
        await form.getByLabel("Action 2", { exact: true }).selectOption({ label: "Set priority" });
        await form.getByLabel("To", { exact: true }).nth(1).selectOption({ label: "Urgent" });

        // No name: the API's message under the name, the text and actions still there.
        await form.getByRole("button", { name: "Create macro" }).click();
        await page.locator("#macro-new-name-error", { hasText: "required" }).waitFor();
        expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/macros"]);
        expect(await form.getByTestId("macro-content").textContent()).toBe(
          "Hi {{ contact.first_name }}, your refund is on its way.",
        );
        expect(await form.getByTestId("macro-action").count()).toBe(2);
        await screenshot(page, "workflow-macro-form");
        expect(await axeViolations(page)).toEqual([]);

        await form.getByLabel("Name", { exact: true }).fill("Refund approved");
        await form.getByRole("button", { name: "Create macro" }).click();
        const row = page.getByTestId("macro-row").filter({ hasText: "Refund approved" });
        await row.getByText("Every agent · 2 actions · never used").waitFor();
        const [macro] = await api("GET", "/api/v1/macros");
        const urgent = (await api<{ id: number; name: string }[]>("GET", "/api/v1/priorities")).find(
          (p) => p.name === "Urgent",
        )!;
        expect(macro).toMatchObject({
          name: "Refund approved",
          message_content: "<p>Hi {{ contact.first_name }}, your refund is on its way.</p>",
          visibility: "all",
          actions: [
            { type: "add_tag", value: "billing" },
            { type: "set_priority", value: urgent.id },
          ],
        });

        // Edit: offered only when replying.
        await row.getByRole("button", { name: "Edit Refund approved" }).click();
        await row.getByLabel("Starting a conversation").uncheck();
        await row.getByLabel("Adding a private note").uncheck();
        await row.getByRole("button", { name: "Save" }).click();
        await row.getByRole("button", { name: "Edit Refund approved" }).waitFor();
        const [edited] = await api("GET", "/api/v1/macros");
        expect(edited.visible_when).toEqual(["replying"]);
        await screenshot(page, "workflow-macros");
      });

      it("is applied from a conversation's reply editor: its text filled in, its actions run", async () => {
        await page.goto(`${app.url}/conversations/${uuid}`);
        await page.getByTestId("reply-editor").waitFor();
        await page.getByTestId("macro-picker").click();
        await page.getByTestId("macro-picker").fill("refund");
        await page.getByRole("option", { name: /Refund approved/ }).click();
        await expect
          .poll(async () => (await page.getByTestId("reply-editor").textContent())?.trim())
          .toBe("Hi Carla, your refund is on its way.");
        await until("the macro's actions", async () => {
          const c = await api("GET", `/api/v1/conversations/${uuid}`);
          return c.priority === "Urgent" && c.tags.includes("billing");
        });
        await screenshot(page, "workflow-macro-applied");
      });

      it("deletes a macro after asking", async () => {
        await page.goto(`${app.url}/admin/macros`);
        const row = page.getByTestId("macro-row").filter({ hasText: "Refund approved" });
        await row.getByText("used once").waitFor();
        await row.getByRole("button", { name: "Delete Refund approved" }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
        await page.getByText("No macros yet.").waitFor();
        expect(await api("GET", "/api/v1/macros")).toEqual([]);
      });
    });

    describe("shared views", () => {
      it("creates a shared view with the inbox's filter builder, edits and deletes it", async () => {
        await openScreen("Shared views");
        await page.getByRole("button", { name: "New shared view" }).click();
        const builder = page.getByTestId("filter-builder");
        const one = builder.getByTestId("filter-condition").nth(0);
        await one.getByLabel("Field").selectOption({ label: "Priority" });
        await one.getByLabel("Value").selectOption({ label: "Urgent" });
        // Apply belongs to a list on screen: here the builder only saves.
        expect(await builder.getByRole("button", { name: "Apply" }).count()).toBe(0);
        await builder.getByLabel("View name").fill("Urgent queue");
        await builder.getByRole("button", { name: "Save view", exact: true }).click();
        const row = page.getByTestId("view-row").filter({ hasText: "Urgent queue" });
        await row.getByText("Priority is Urgent").waitFor();
        const [view] = await api("GET", "/api/v1/shared-views");
        expect(view).toMatchObject({ name: "Urgent queue", visibility: "all" });
        expect(view.filters).toEqual([{ field: "priority_id", operator: "=", value: expect.anything() }]);
        await screenshot(page, "workflow-views");
        expect(await axeViolations(page)).toEqual([]);

        await row.getByRole("button", { name: "Edit Urgent queue" }).click();
        await row.getByRole("button", { name: "Add a condition" }).click();
        const two = row.getByTestId("filter-condition").nth(1);
        await two.getByLabel("Field").selectOption({ label: "Status" });
        await two.getByLabel("Value").selectOption({ label: "Open" });
        await row.getByLabel("View name").fill("Urgent and open");
        await row.getByRole("button", { name: "Save changes" }).click();
        const edited = page.getByTestId("view-row").filter({ hasText: "Urgent and open" });
        await edited.getByText("Priority is Urgent · Status is Open").waitFor();
        expect((await api("GET", "/api/v1/shared-views"))[0].filters).toHaveLength(2);

        await edited.getByRole("button", { name: "Delete Urgent and open" }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: "Yes, delete" }).click();
        await page.getByText("No shared views yet.").waitFor();
        expect(await api("GET", "/api/v1/shared-views")).toEqual([]);
      });
    });
  },
);
