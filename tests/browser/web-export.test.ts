import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { expectQuiet, openFirstSignIn, startWebApp, type WebApp } from "../support/web-app.ts";

/**
 * The admin console's Data export screen: request an export, watch it go from queued to ready as the
 * workspace-jobs schedule writes it (run at once here instead of on its minute), download the zip with the
 * session cookie.
 */
const ADMIN = { email: "ada@acme.example", password: "ada-password-12345" };
let app: WebApp;
let page: Page;
let watch: ReturnType<typeof watchPage>;

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "admin: data export in Chromium",
  { timeout: 90_000 },
  () => {
    beforeAll(async () => {
      app = await startWebApp({ adminEmail: ADMIN.email, adminPassword: ADMIN.password });
      ({ page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => expectQuiet(watch));
    afterAll(async () => {
      await app?.close();
    });

    it("requests an export, follows it to ready and downloads the zip", async () => {
      await openFirstSignIn(app, page, watch, "/admin/export", ADMIN.email, ADMIN.password);
      await page.getByRole("heading", { level: 1, name: "Data export" }).waitFor();
      await page.getByText("No export yet.").waitFor();

      const request = page.getByRole("button", { name: "Request export" });
      await request.click();
      const row = page.locator("li[data-export]");
      await row.and(page.locator('[data-status="queued"]')).waitFor();
      expect(await row.getByRole("progressbar").getAttribute("value")).toBe("0");
      // One at a time: the button waits for the pending export.
      expect(await request.isDisabled()).toBe(true);

      // The schedule would start it within a minute; the page's polling shows the outcome without a reload.
      await app.server.runScheduled("workspace-jobs");
      await row.and(page.locator('[data-status="done"]')).waitFor();
      expect(await row.textContent()).toMatch(/Ready[\s\S]*Size: [\d.]+\s(kB|MB)[\s\S]*Available until /);
      expect(await request.isDisabled()).toBe(false);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, "settings-export");

      const link = row.getByRole("link", { name: /^Download export #\d+ \(/ });
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      expect(download.suggestedFilename()).toMatch(/^default-export-.*\.zip$/);
      const bytes = await readFile((await download.path())!);
      expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");
      expect(bytes.byteLength).toBeGreaterThan(100);
    });
  },
);
