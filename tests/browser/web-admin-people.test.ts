import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import {
  documentWidth,
  expectQuiet,
  openFirstSignIn,
  pickOption,
  startWebApp,
  waitFor,
  type WebApp,
} from "../support/web-app.ts";

/**
 * The admin console's people screens in Chromium against the embedded server: agents (create with a role and a
 * team, the API's field error kept beside what was typed, edit, API key shown once with its copy button and
 * revoked, disable, CSV import with its live progress and refused line), teams with members, roles with a chosen
 * set of permissions and the lock-out guard's refusal, and an agent whose role lacks users:manage.
 */
const ADMIN = { email: "ada@acme.example", password: "ada-password-12345" };
const RITA = { email: "rita@acme.example", password: "rita-password-12345" };

let app: WebApp;
let context: BrowserContext;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let billingId: number;

type Agent = {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  enabled: boolean;
  roles: string[];
  teams: { id: number }[];
};
const agentByEmail = async (email: string): Promise<Agent> => {
  const found = await app.adminApi<{ results: Agent[] }>("GET", `/api/v1/agents?q=${encodeURIComponent(email)}`);
  expect(found.results).toHaveLength(1);
  return found.results[0]!;
};
const dialog = () => page.getByRole("dialog");
const row = (text: string) => page.getByTestId("agent-row").filter({ hasText: text });
const pick = (label: string, option: string) => pickOption(dialog(), label, option);
async function expectNoSeriousAxe() {
  expect(await axeViolations(page)).toEqual([]);
}

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("admin console: people", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    app = await startWebApp({ adminEmail: ADMIN.email, adminPassword: ADMIN.password });
    billingId = (await app.adminApi<{ id: number }>("POST", "/api/v1/teams", { name: "Billing", emoji: "💳" })).id;
    ({ context, page, watch } = await app.openPage());
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
  }, 240_000);

  afterEach(() => expectQuiet(watch));

  afterAll(async () => {
    await app?.close();
  });

  describe("agents", () => {
    it("creates an agent with a role and a team; a refused email stays typed with the API's reason beside it", async () => {
      await openFirstSignIn(app, page, watch, "/admin/agents", ADMIN.email, ADMIN.password);
      const nav = page.getByRole("navigation", { name: "Admin" });
      await nav.getByRole("link", { name: "Agents", exact: true }).waitFor();
      await row(ADMIN.email).waitFor();
      await screenshot(page, "people-agents");
      await expectNoSeriousAxe();

      await page.getByRole("button", { name: "New agent" }).click();
      await dialog().getByLabel("First name").fill("Nia");
      await dialog().getByLabel("Last name").fill("Newcomer");
      await dialog().getByLabel("Email", { exact: true }).fill(ADMIN.email);
      await pick("Teams", "💳 Billing");
      await dialog().getByRole("button", { name: "Create agent" }).click();
      const emailError = dialog().getByText("an agent with this email already exists");
      await emailError.waitFor();
      expect(await dialog().getByLabel("Email", { exact: true }).getAttribute("aria-describedby")).toBe(
        await emailError.getAttribute("id"),
      );
      expect(await dialog().getByLabel("First name").inputValue()).toBe("Nia");
      expect(await dialog().getByRole("list", { name: "Teams" }).textContent()).toContain("Billing");
      expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/agents"]);
      await screenshot(page, "people-agent-form-error");
      await expectNoSeriousAxe();

      await dialog().getByLabel("Email", { exact: true }).fill("nia@acme.example");
      await dialog().getByRole("button", { name: "Create agent" }).click();
      await row("nia@acme.example").waitFor();
      const nia = await agentByEmail("nia@acme.example");
      expect(nia).toMatchObject({
        first_name: "Nia",
        last_name: "Newcomer",
        roles: ["Agent"],
        teams: [{ id: billingId }],
        enabled: true,
      });
      // "Send a welcome email" was left on: the link went out.
      await waitFor("the welcome mail", () => app.peer.received.find((m) => m.to.includes("nia@acme.example")));
    });

    it("edits an agent's name and roles, and searches the list on the server", async () => {
      await page.getByRole("button", { name: "Edit Nia Newcomer" }).click();
      await dialog().getByLabel("Last name").fill("Newman");
      await pick("Roles", "Admin");
      await dialog().getByRole("button", { name: "Save" }).click();
      await row("Nia Newman").waitFor();
      expect((await agentByEmail("nia@acme.example")).roles).toEqual(["Admin", "Agent"]);

      await page.getByRole("searchbox", { name: "Search agents by name or email" }).fill("newm");
      await waitFor("the search's one match", async () =>
        (await page.getByTestId("agent-row").count()) === 1 ? true : undefined,
      );
      expect(await page.getByTestId("agent-row").textContent()).toContain("nia@acme.example");
      await page.getByRole("searchbox", { name: "Search agents by name or email" }).fill("");
      await row(ADMIN.email).waitFor();
    });

    it("issues an API key shown once with a copy button, then revokes it", async () => {
      await page.getByRole("button", { name: "API key of Nia Newman" }).click();
      await dialog().getByRole("button", { name: "Issue an API key" }).click();
      const keyField = dialog().getByLabel("API key", { exact: true });
      await keyField.waitFor();
      const key = await keyField.inputValue();
      expect(key).toMatch(/^lk_/);
      await dialog().getByRole("button", { name: "Copy" }).click();
      await dialog().getByRole("button", { name: "Copied" }).waitFor();
      expect(
        await page.evaluate(() =>
          (
            globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
          ).navigator.clipboard.readText(),
        ),
      ).toBe(key);
      const asNia = () => fetch(`${app.url}/api/v1/agents/me`, { headers: { authorization: `Bearer ${key}` } });
      expect((await asNia()).status).toBe(200);
      await screenshot(page, "people-api-key");
      await expectNoSeriousAxe();

      // Closed and opened again: the key is not shown any more.
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: "API key of Nia Newman" }).click();
      await dialog().getByRole("button", { name: "Issue an API key" }).waitFor();
      expect(await dialog().getByTestId("api-key-secret").count()).toBe(0);
      await dialog().getByRole("button", { name: "Revoke the API key" }).click();
      await dialog().getByText("The API key was revoked.").waitFor();
      expect((await asNia()).status).toBe(401);
      await page.keyboard.press("Escape");
    });

    it("disables and enables an agent", async () => {
      await page.getByRole("button", { name: "Disable Nia Newman" }).click();
      await row("Nia Newman").getByText("Disabled").waitFor();
      expect((await agentByEmail("nia@acme.example")).enabled).toBe(false);
      await page.getByRole("button", { name: "Enable Nia Newman" }).click();
      await row("Nia Newman").getByText("Active").waitFor();
      expect((await agentByEmail("nia@acme.example")).enabled).toBe(true);
    });

    it("imports agents from CSV with a live progress bar and the refused line's reason", async () => {
      await page.getByRole("button", { name: "Import CSV" }).click();
      const csv = [
        "email,first_name,last_name,roles,teams",
        "csv.one@acme.example,Cara,Sv,Agent,Billing",
        "not-an-email,Bad,Row,Agent,",
        "csv.two@acme.example,Cole,Sv,,",
      ].join("\n");
      await page
        .locator("input[type=file]")
        .setInputFiles({ name: "agents.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      await page.getByRole("button", { name: "Import", exact: true }).click();
      await page.getByText("Import finished").waitFor();
      expect(await page.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
      expect(await page.getByText("3 of 3 rows, 1 refused").isVisible()).toBe(true);
      expect(await page.getByTestId("agent-import-errors").textContent()).toMatch(
        /^\s*Line 3: email: "not-an-email" is not an email address\s*$/,
      );
      await row("csv.two@acme.example").waitFor();
      expect((await agentByEmail("csv.one@acme.example")).teams).toEqual([expect.objectContaining({ id: billingId })]);
      await screenshot(page, "people-agents-import");
      await expectNoSeriousAxe();
    });

    it("deletes an agent after confirming", async () => {
      await page.getByRole("button", { name: "Delete Cole Sv" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
      await waitFor("the row to go", async () =>
        (await row("csv.two@acme.example").count()) === 0 ? true : undefined,
      );
      const found = await app.adminApi<{ total: number }>("GET", "/api/v1/agents?q=csv.two");
      expect(found.total).toBe(0);
    });

    it("on a phone, in the dark theme: the agents screen fits the width and axe finds no serious violation", async () => {
      const storageState = await page.context().storageState();
      const phone = await app.openPage({ viewport: { width: 390, height: 844 }, colorScheme: "dark", storageState });
      try {
        await phone.page.goto(`${app.url}/admin/agents`);
        await phone.page.getByTestId("agent-row").first().waitFor();
        expect(await phone.page.locator("html").getAttribute("class")).toContain("dark");
        const width = await documentWidth(phone.page);
        expect(width).toBeLessThanOrEqual(390);
        await screenshot(phone.page, "people-agents-phone-dark");
        expect(await axeViolations(phone.page)).toEqual([]);
        expectQuiet(phone.watch);
      } finally {
        await phone.context.close();
      }
    });
  });

  describe("teams", () => {
    it("creates a team with an emoji and members picked by search", async () => {
      await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Teams", exact: true }).click();
      await page.getByTestId("team-row").filter({ hasText: "Billing" }).waitFor();
      await page.getByRole("button", { name: "New team" }).click();
      await dialog().getByLabel("Team name").fill("Escalations");
      await dialog().getByLabel("Emoji").fill("🔥");
      await pick("Members", "Nia Newman");
      await pick("Members", "Cara Sv");
      await screenshot(page, "people-team-form");
      await expectNoSeriousAxe();
      await dialog().getByRole("button", { name: "Create team" }).click();
      await page.getByTestId("team-row").filter({ hasText: "Escalations" }).getByText("2 members").waitFor();
      const teams = await app.adminApi<{ name: string; emoji: string; members: { first_name: string }[] }[]>(
        "GET",
        "/api/v1/teams",
      );
      const team = teams.find((t) => t.name === "Escalations")!;
      expect(team.emoji).toBe("🔥");
      expect(team.members.map((m) => m.first_name).sort()).toEqual(["Cara", "Nia"]);
      await screenshot(page, "people-teams");
      await expectNoSeriousAxe();
    });
  });

  describe("roles", () => {
    it("creates a role with a chosen set of permissions from the matrix", async () => {
      await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Roles", exact: true }).click();
      await page.getByTestId("role-row").filter({ hasText: "Admin" }).first().waitFor();
      await page.getByRole("button", { name: "New role" }).click();
      await dialog().getByLabel("Role name").fill("Triage");
      for (const label of ["Open conversations", "See unassigned conversations", "Read messages", "Manage teams"])
        await dialog().getByRole("checkbox", { name: label }).check();
      await screenshot(page, "people-role-matrix");
      await expectNoSeriousAxe();
      await dialog().getByRole("button", { name: "Create role" }).click();
      await page.getByTestId("role-row").filter({ hasText: "Triage" }).getByText("4 permissions").waitFor();
      const roles = await app.adminApi<{ name: string; permissions: string[] }[]>("GET", "/api/v1/roles");
      expect(roles.find((r) => r.name === "Triage")!.permissions.sort()).toEqual([
        "conversations:read",
        "conversations:read_unassigned",
        "messages:read",
        "teams:manage",
      ]);
      await screenshot(page, "people-roles");
      await expectNoSeriousAxe();
    });

    it("shows the lock-out guard's refusal and keeps the choices", async () => {
      await page.getByRole("button", { name: "Edit Admin" }).click();
      const manageRoles = dialog().getByRole("checkbox", { name: "Manage roles" });
      await manageRoles.uncheck();
      await dialog().getByRole("button", { name: "Save" }).click();
      await dialog().getByRole("alert").getByText("no enabled agent able to manage roles").waitFor();
      expect(await manageRoles.isChecked()).toBe(false);
      const adminRole = (
        await app.adminApi<{ id: number; name: string; permissions: string[] }[]>("GET", "/api/v1/roles")
      ).find((r) => r.name === "Admin")!;
      expect(adminRole.permissions).toContain("roles:manage");
      expect(watch.takeHttpErrors()).toEqual([`400 PUT /api/v1/roles/${adminRole.id}`]);
      await screenshot(page, "people-role-lockout");
      await page.keyboard.press("Escape");
    });
  });

  describe("without users:manage", () => {
    it("hides Agents from the admin navigation and shows the no-permission notice at /admin/agents", async () => {
      await app.hireAgent({ first: "Rita", last: "Triage", ...RITA, roles: ["Triage"] });
      const other = await app.openPage();
      try {
        await openFirstSignIn(app, other.page, other.watch, "/admin", RITA.email, RITA.password);
        await other.page.goto(`${app.url}/admin`);
        const nav = other.page.getByRole("navigation", { name: "Admin" });
        await nav.getByRole("link", { name: "Teams", exact: true }).waitFor();
        expect(await nav.getByRole("link", { name: "Agents", exact: true }).count()).toBe(0);
        expect(await nav.getByRole("link", { name: "Roles", exact: true }).count()).toBe(0);
        await other.page.goto(`${app.url}/admin/agents`);
        await other.page.getByRole("heading", { name: "You do not have permission to see this" }).waitFor();
        expect(await other.page.getByRole("button", { name: "New agent" }).count()).toBe(0);
        await screenshot(other.page, "people-denied");
        expect(await axeViolations(other.page)).toEqual([]);
        expectQuiet(other.watch);
      } finally {
        await other.context.close();
      }
    });
  });
});
