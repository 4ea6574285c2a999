import { recordUsage } from "@helperiq/core/quota/ai-usage";
import { tenants } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { expectQuiet, openFirstSignIn, startWebApp, waitFor, type WebApp } from "../support/web-app.ts";

/** The admin console's Usage screen: the month's figures beside the plan's limits, another month picked. */
const ADMIN = { email: "ada@acme.example", password: "ada-password-12345" };
let app: WebApp;
let page: Page;
let watch: ReturnType<typeof watchPage>;

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("admin: usage in Chromium", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    app = await startWebApp({ adminEmail: ADMIN.email, adminPassword: ADMIN.password });
    const db = app.seed.database.db;
    await db
      .update(tenants)
      .set({ limits: { agents: 1, storage_bytes: 1024 * 1024, ai_calls_per_month: 100 } })
      .where(eq(tenants.id, app.tenant.id));
    await recordUsage(db, app.tenant.id, new Date(), "ai_calls", 12);
    await recordUsage(db, app.tenant.id, new Date(), "ai_tokens", 3400);
    ({ page, watch } = await app.openPage());
  }, 240_000);

  afterEach(() => expectQuiet(watch));
  afterAll(async () => {
    await app?.close();
  });

  // The row as a reader sees it, cell after cell: textContent would run the cells' words together.
  const cells = async (key: string) =>
    (await page.locator(`tr[data-usage="${key}"] > *`).allInnerTexts()).join(" ").replace(/\s+/g, " ").trim();

  it("shows the month's figures beside the limits, the agents row at its limit, and another month's", async () => {
    await openFirstSignIn(app, page, watch, "/admin/usage", ADMIN.email, ADMIN.password);
    await page.getByRole("heading", { level: 1, name: "Usage" }).waitFor();
    await page.locator('tr[data-usage="ai-calls"]').waitFor();
    expect(await cells("ai-calls")).toBe("AI calls 12 100");
    expect(await cells("ai-tokens")).toBe("AI tokens 3,400 Unlimited");
    expect(await cells("agents")).toBe("Enabled agents 1 At the limit 1");
    expect(await cells("storage")).toMatch(/^Storage \d+(\.\d)? (bytes|KB|MB) 1 MB$/);
    expect(await cells("inboxes")).toBe("Inboxes 0 Unlimited");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "usage-month");

    await page.getByLabel("Month", { exact: true }).fill("2001-01");
    await waitFor("January 2001's figures", async () =>
      (await cells("ai-calls")) === "AI calls 0 100" ? true : undefined,
    );
    expect(await cells("conversations")).toBe("Conversations created 0 Unlimited");
    // States are what the workspace holds now, whatever the month.
    expect(await cells("agents")).toBe("Enabled agents 1 At the limit 1");
  });
});
