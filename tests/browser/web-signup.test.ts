import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { decodeQuotedPrintable } from "../support/smtp-peer.ts";
import { expectQuiet, openFirstSignIn, startWebApp, waitFor, type WebApp } from "../support/web-app.ts";

/**
 * Self-serve sign-up and custom domains in Chromium against the embedded server, with BASE_DOMAIN=localhost
 * (Chromium resolves `localhost` and every `*.localhost` to loopback): the sign-up page on the base domain, the
 * mailed link (read from the suite's SMTP peer), the verification page, and the owner signed in on the new
 * workspace's own host; then the admin console's domains screen with its set-up records, a failed Verify
 * that says why, and a Verify that succeeds once the TXT record exists (the server's DNS is the suite's table).
 */
let app: WebApp;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let base: string;

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "sign-up and custom domains in Chromium",
  { timeout: 90_000 },
  () => {
    beforeAll(async () => {
      app = await startWebApp({ env: { SIGNUP: "open", BASE_DOMAIN: "localhost" } });
      base = `http://localhost:${new URL(app.url).port}`;
      ({ page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => expectQuiet(watch));

    afterAll(async () => {
      await app?.close();
    });

    describe("sign-up", () => {
      it("refuses a disposable-looking address under its field, then mails the link", async () => {
        await page.goto(`${base}/signup`);
        await page.getByRole("heading", { name: "Create your workspace" }).waitFor();
        await page.getByLabel("Your work email").fill("olga@lakeside.example");
        await page.getByLabel("Organisation or team name").fill("Lakeside Bikes");
        // The address follows the name until edited.
        expect(await page.getByLabel("Workspace address").inputValue()).toBe("lakeside-bikes");
        await page.getByLabel("Workspace address").fill("test123");
        await page.getByRole("button", { name: "Create workspace" }).click();
        await page.getByText('"test" looks like a test or throwaway name').waitFor();
        expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/signup"]);
        expect(await axeViolations(page)).toEqual([]);
        await screenshot(page, "signup-refused");

        await page.getByLabel("Workspace address").fill("lakeside-bikes");
        await page.getByText("lakeside-bikes.localhost").waitFor();
        await page.getByRole("button", { name: "Create workspace" }).click();
        await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
        await page.getByText("We sent a link to olga@lakeside.example").waitFor();
        await screenshot(page, "signup-sent");
      });

      it("creates the workspace from the mailed link and signs the owner in on its own host", async () => {
        const mail = await waitFor("the sign-up mail", () =>
          app.peer.received.find((m) => m.to.includes("olga@lakeside.example")),
        );
        const link = /http:\/\/localhost:\d+\/signup\/verify\?token=[a-z2-7]+/.exec(
          decodeQuotedPrintable(mail.raw),
        )?.[0];
        expect(link).toBeDefined();
        await page.goto(link!);
        await page.getByRole("heading", { name: "Confirm your workspace" }).waitFor();
        await page.getByLabel("First name").fill("Olga");
        await page.getByLabel("Last name").fill("Lake");
        await page.getByLabel("Password", { exact: true }).fill("lakeside-password-1");
        await page.getByLabel("Password again").fill("lakeside-password-1");
        expect(await axeViolations(page)).toEqual([]);
        await page.getByRole("button", { name: "Create and sign in" }).click();
        await page.getByRole("navigation", { name: "Main" }).waitFor({ state: "attached" });
        expect(new URL(page.url()).hostname).toBe("lakeside-bikes.localhost");
        await screenshot(page, "signup-signed-in");

        // The link is spent: opened again, it says so and offers to start over.
        await page.goto(link!);
        await page.getByLabel("First name").fill("Olga");
        await page.getByLabel("Password", { exact: true }).fill("lakeside-password-1");
        await page.getByLabel("Password again").fill("lakeside-password-1");
        await page.getByRole("button", { name: "Create and sign in" }).click();
        await page.getByText("This link is not valid any more").waitFor();
        await page.getByRole("link", { name: "Sign up again" }).waitFor();
        expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/signup/verify"]);
      });
    });

    describe("custom domains (admin console)", () => {
      it("shows the records to set up, says why Verify failed, and verifies once the TXT record exists", async () => {
        await openFirstSignIn(app, page, watch, "/admin/domains");
        await page.getByRole("heading", { level: 1, name: "Custom domains" }).waitFor();
        await page.getByText("Loading…").waitFor({ state: "detached" });

        await page.getByLabel("Domain", { exact: true }).fill("https://help.lakeside.example/");
        await page.getByRole("button", { name: "Add domain" }).click();
        await page.getByText("without scheme, port or path").waitFor();
        expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/domains"]);
        await page.getByLabel("Domain", { exact: true }).fill("help.lakeside.example");
        await page.getByRole("button", { name: "Add domain" }).click();
        await page.getByRole("heading", { name: "Set up help.lakeside.example" }).waitFor();
        const recordName = await page.getByLabel("TXT record name", { exact: true }).inputValue();
        const recordValue = await page.getByLabel("TXT record value", { exact: true }).inputValue();
        expect(recordName).toBe("_helperiq-verification.help.lakeside.example");
        expect(recordValue).toMatch(/^helperiq-verification=[a-z2-7]{32}$/);
        expect(await page.getByLabel("CNAME target", { exact: true }).inputValue()).toBe("default.localhost");

        await page.getByRole("button", { name: "Verify help.lakeside.example" }).click();
        await page.getByText(`DNS: no TXT record found at ${recordName}`).waitFor();
        // Not a CNAME to this workspace's address: the HTTP proof is refused and the TXT record named instead.
        await page
          .getByText(/HTTP: help\.lakeside\.example has no CNAME record; .* must use the DNS TXT record/)
          .waitFor();
        expect(await axeViolations(page)).toEqual([]);
        await screenshot(page, "domains-failed");

        app.dns.records.set(recordName, [recordValue]);
        await page.getByRole("button", { name: "Verify help.lakeside.example" }).click();
        await page.getByText("help.lakeside.example is verified").waitFor();
        await page.locator('[data-domain="help.lakeside.example"]').getByText("Verified", { exact: true }).waitFor();
        await screenshot(page, "domains-verified");
      });

      it("fits a phone in the dark theme", async () => {
        // The signed-in session of the main page, in a phone-sized dark context.
        const storageState = await page.context().storageState();
        const phone = await app.openPage({ viewport: { width: 390, height: 844 }, colorScheme: "dark", storageState });
        try {
          await phone.page.goto(`${app.url}/admin/domains`);
          await phone.page.getByRole("heading", { level: 1, name: "Custom domains" }).waitFor();
          await phone.page.getByText("help.lakeside.example").first().waitFor();
          const overflow = await phone.page.evaluate(() => {
            const d = (
              globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
            ).document;
            return d.documentElement.scrollWidth - d.documentElement.clientWidth;
          });
          expect(overflow).toBeLessThanOrEqual(0);
          expect(await axeViolations(phone.page)).toEqual([]);
          await screenshot(phone.page, "domains-phone");
          expectQuiet(phone.watch);
        } finally {
          await phone.context.close();
        }
      });
    });
  },
);
