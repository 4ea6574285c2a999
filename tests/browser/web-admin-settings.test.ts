import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AiServer, startAiServer } from "../support/ai-servers.ts";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { documentWidth, expectQuiet, openFirstSignIn, startWebApp, waitFor, type WebApp } from "../support/web-app.ts";

/**
 * The admin console's workspace settings and AI screens in Chromium against the embedded server: general
 * settings saved and read back after a reload (and a refused value shown under its field, still typed), the
 * notification mail server tested against the suite's SMTP peer, an OpenID Connect provider with its
 * redirect URI, an AI provider against a local OpenAI-compatible server (connection test with its latency),
 * a knowledge source from an uploaded Markdown file that syncs and answers a search with a score, PCI and the
 * store connection's test in words.
 */
const ADMIN = { email: "ada@acme.example", password: "ada-password-12345" };
const AI_KEY = "sk-settings-test";
const MASK = "••••••••";

let app: WebApp;
let ai: AiServer;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let signedIn = false;

/** Opens an admin screen (signing in the first time) and waits for its heading. */
async function open(path: string, heading: string) {
  if (!signedIn) {
    await openFirstSignIn(app, page, watch, path, ADMIN.email, ADMIN.password);
    signedIn = true;
  } else {
    await page.goto(`${app.url}${path}`);
  }
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await page.getByText("Loading…").waitFor({ state: "detached" });
}

const savedNote = () => page.getByRole("status").filter({ hasText: /^Saved$/ });

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "admin: workspace settings and AI in Chromium",
  { timeout: 90_000 },
  () => {
    beforeAll(async () => {
      ai = await startAiServer("openai", { apiKey: AI_KEY });
      app = await startWebApp({
        adminEmail: ADMIN.email,
        adminPassword: ADMIN.password,
        env: { OPENAI_BASE_URL: ai.baseUrl },
      });
      await app.createMailInbox({ name: "Support" });
      ({ page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => expectQuiet(watch));

    afterAll(async () => {
      await app?.close();
      await ai?.close();
    });

    describe("general settings", () => {
      it("saves the workspace's name, time zone and upload types, which a reload shows again", async () => {
        await open("/admin/general", "General");
        await page.getByLabel("Workspace name").fill("Acme Help Centre");
        await page.getByLabel("Time zone").fill("Europe/Berlin");
        await page.getByLabel("Allowed file types").fill("pdf, .PNG, docx");
        await page.getByRole("button", { name: "Save" }).click();
        await savedNote().waitFor();
        // The API's normalised answer is what the form shows (dots dropped, lower case).
        expect(await page.getByLabel("Allowed file types").inputValue()).toBe("pdf, png, docx");

        await page.reload();
        await page.getByRole("heading", { level: 1, name: "General" }).waitFor();
        await page.getByText("Loading…").waitFor({ state: "detached" });
        expect(await page.getByLabel("Workspace name").inputValue()).toBe("Acme Help Centre");
        expect(await page.getByLabel("Time zone").inputValue()).toBe("Europe/Berlin");
        const stored = await app.adminApi("GET", "/api/v1/settings/general");
        expect(stored).toMatchObject({
          site_name: "Acme Help Centre",
          timezone: "Europe/Berlin",
          allowed_file_upload_extensions: ["pdf", "png", "docx"],
        });
      });

      it("shows a refused value's message under its field, keeping everything typed", async () => {
        await page.getByLabel("Workspace name").fill("Acme Support");
        const size = page.getByLabel("Largest upload (MB)");
        await size.fill("500");
        await page.getByRole("button", { name: "Save" }).click();
        const error = page.locator("#max_file_upload_size_mb-error");
        await error.waitFor();
        expect(await error.textContent()).toMatch(/100/);
        expect(await size.getAttribute("aria-invalid")).toBe("true");
        expect(await size.getAttribute("aria-describedby")).toContain("max_file_upload_size_mb-error");
        expect(watch.takeHttpErrors()).toEqual(["400 PUT /api/v1/settings/general"]);
        // Nothing typed is lost, and nothing was saved.
        expect(await size.inputValue()).toBe("500");
        expect(await page.getByLabel("Workspace name").inputValue()).toBe("Acme Support");
        expect((await app.adminApi("GET", "/api/v1/settings/general")).site_name).toBe("Acme Help Centre");
        await screenshot(page, "settings-general");
        expect(await axeViolations(page)).toEqual([]);

        await size.fill("25");
        await page.getByRole("button", { name: "Save" }).click();
        await savedNote().waitFor();
        expect(await error.count()).toBe(0);
        expect((await app.adminApi("GET", "/api/v1/settings/general")).max_file_upload_size_mb).toBe(25);
      });
    });

    describe("notification email", () => {
      it("tests the SMTP server as typed (a test mail reaches the peer), then saves it with the password write-only", async () => {
        await open("/admin/notification-mail", "Notification email");
        await page.getByLabel("Send notification emails").check();
        await page.getByLabel("Host", { exact: true }).fill("127.0.0.1");
        await page.getByLabel("Port", { exact: true }).fill(new URL(app.peer.url).port);
        await page.getByLabel("Encryption").selectOption("none");
        await page.getByLabel("Authentication").selectOption("none");
        await page.getByLabel("From address").fill("Acme Notifications <notify@acme.example>");
        await page.getByLabel("Send a test email to (optional)").fill("ada@acme.example");
        await page.getByRole("button", { name: "Test connection" }).click();
        await page
          .getByRole("status")
          .filter({ hasText: /The server accepted the connection \(\d+ ms\)\./ })
          .waitFor();
        await waitFor("the test mail at the peer", () =>
          app.peer.received.find((m) => m.to.includes("ada@acme.example")),
        );

        await page.getByLabel("Password").fill("smtp-secret-1");
        await page.getByRole("button", { name: "Save" }).click();
        await savedNote().waitFor();
        // The password box is empty again (a secret is never shown back), saying one is kept.
        expect(await page.getByLabel("Password").inputValue()).toBe("");
        await page.getByText("A secret is saved. Leave this empty to keep it.").waitFor();
        const stored = await app.adminApi("GET", "/api/v1/settings/notifications/email");
        expect(stored).toMatchObject({ enabled: true, host: "127.0.0.1", tls_type: "none", password: MASK });
        await screenshot(page, "settings-notification-mail");
        expect(await axeViolations(page)).toEqual([]);
      });
    });

    describe("single sign-on", () => {
      it("adds an OpenID Connect provider and shows the redirect URI to register; the secret stays masked", async () => {
        await open("/admin/sso", "Single sign-on");
        await page.getByText("No provider yet.").waitFor();
        await page.getByRole("button", { name: "Add provider" }).click();
        await page.getByLabel("Name", { exact: true }).fill("Acme ID");
        await page.getByLabel("Provider URL").fill("http://127.0.0.1:9/realms/acme");
        await page.getByLabel("Client ID").fill("helperiq");
        await page.getByRole("button", { name: "Save" }).click();
        // The secret is required on create: the API's word under the field, the rest kept.
        await page.locator("#sso-client-secret-error").waitFor();
        expect(watch.takeHttpErrors()).toEqual(["400 POST /api/v1/oidc"]);
        expect(await page.getByLabel("Client ID").inputValue()).toBe("helperiq");
        await page.getByLabel("Client secret").fill("oidc-secret-1");
        await page.getByRole("button", { name: "Save" }).click();
        await savedNote().waitFor();

        const [provider] = await app.adminApi("GET", "/api/v1/oidc");
        expect(provider).toMatchObject({ name: "Acme ID", client_secret: MASK });
        const redirect = page.getByLabel("Redirect URI", { exact: true });
        expect(await redirect.inputValue()).toBe(`${app.url}/api/v1/oidc/${provider.id}/finish`);
        expect(await page.getByLabel("Client secret").inputValue()).toBe("");
        await page.getByRole("listitem").filter({ hasText: "Acme ID" }).getByText("Enabled").waitFor();
        await screenshot(page, "settings-sso");
        expect(await axeViolations(page)).toEqual([]);
      });
    });

    describe("AI providers", () => {
      it("tests a provider's key as typed (a refusal in words, then success with latency), saves it and makes it the default", async () => {
        await open("/admin/ai/providers", "AI providers");
        await page.getByText("No provider saved: the built-in local model is used.").waitFor();
        await page.getByLabel("Provider", { exact: true }).selectOption("openai");
        await page.getByLabel("API key").fill("sk-wrong");
        // The model picker: the provider's chat models, once the API has listed them.
        await page.locator("select#ai-model").waitFor();
        await page.getByLabel("Model", { exact: true }).selectOption("gpt-4o-mini");
        await page.getByRole("button", { name: "Test connection" }).click();
        await page.getByRole("status").filter({ hasText: "The provider refused: the key was not accepted." }).waitFor();

        await page.getByLabel("API key").fill(AI_KEY);
        await page.getByRole("button", { name: "Test connection" }).click();
        const ok = page.getByRole("status").filter({ hasText: /Connected: gpt-4o-mini\S* answered in \d+ ms\./ });
        await ok.waitFor();
        expect(ai.requestsTo("/chat/completions").length).toBeGreaterThanOrEqual(1);

        await page.getByRole("button", { name: "Save" }).first().click();
        await savedNote().waitFor();
        const row = page.getByRole("row").filter({ hasText: "OpenAI" });
        await row.getByText("Key saved").waitFor();
        expect(await page.getByLabel("API key").inputValue()).toBe("");
        const [saved] = await app.adminApi("GET", "/api/v1/ai/providers");
        expect(saved).toMatchObject({ type: "openai", model: "gpt-4o-mini", api_key: MASK });

        // The first provider saved is the default already; choosing local and back goes through the API.
        await row.getByText("Default").waitFor();
        const defaultSelect = page.getByRole("combobox", { name: "Default provider" });
        const defaultForm = page.locator("form").filter({ has: defaultSelect });
        await defaultSelect.selectOption("local");
        await defaultForm.getByRole("button", { name: "Save" }).click();
        await expect.poll(() => row.getByText("Default").count()).toBe(0);
        await defaultSelect.selectOption("openai");
        await defaultForm.getByRole("button", { name: "Save" }).click();
        await row.getByText("Default").waitFor();
        expect((await app.adminApi("GET", "/api/v1/ai/providers"))[0].is_default).toBe(true);
        await screenshot(page, "settings-ai-providers");
        expect(await axeViolations(page)).toEqual([]);
      });

      it("saves the system prompt and an inbox's own prompt", async () => {
        await open("/admin/ai/settings", "AI settings");
        await page.getByLabel("System prompt").first().fill("You answer for Acme. Be brief and kind.");
        await page.getByRole("button", { name: "Save" }).first().click();
        await savedNote().waitFor();
        expect((await app.adminApi("GET", "/api/v1/settings/ai")).system_prompt).toBe(
          "You answer for Acme. Be brief and kind.",
        );

        await page.getByLabel("Inbox", { exact: true }).selectOption({ label: "Support" });
        const prompt = page.locator("#ai-override-system-prompt");
        await prompt.waitFor();
        await prompt.fill("Support inbox: mention the returns page.");
        await page.locator("form").filter({ has: prompt }).getByRole("button", { name: "Save" }).click();
        await page.locator("form").filter({ has: prompt }).getByRole("status").filter({ hasText: "Saved" }).waitFor();
        const [inbox] = await app.adminApi("GET", "/api/v1/inboxes");
        expect(await app.adminApi("GET", `/api/v1/settings/ai/inbox/${inbox.id}`)).toMatchObject({
          system_prompt: "Support inbox: mention the returns page.",
          provider: null,
        });
        await screenshot(page, "settings-ai-settings");
        expect(await axeViolations(page)).toEqual([]);
      });
    });

    describe("knowledge sources", () => {
      it("creates a source from an uploaded Markdown file, syncs it with live status, and a search finds it with a score", async () => {
        await open("/admin/ai/knowledge", "Knowledge sources");
        await page.getByRole("button", { name: "Add source" }).click();
        await page.getByLabel("Name", { exact: true }).fill("Returns policy");
        await page.getByLabel("Files", { exact: true }).setInputFiles({
          name: "returns.md",
          mimeType: "text/markdown",
          buffer: Buffer.from(
            "# Returns\n\nItems can be returned within 30 days of delivery for a full refund.\n\n" +
              "# Shipping\n\nOrders ship from our Hamburg warehouse within two working days.\n",
          ),
        });
        await page.getByRole("button", { name: "Remove returns.md" }).waitFor();
        await page.getByRole("button", { name: "Save" }).click();

        const item = page.locator('[data-source="Returns policy"]');
        await item.waitFor();
        // Polled until the sync is done: the state and the document count move on without a reload.
        await item.getByText("Ready").waitFor({ timeout: 20_000 });
        await item.getByText(/\d+ documents?/).waitFor();
        const [source] = await app.adminApi("GET", "/api/v1/rag/sources");
        expect(source).toMatchObject({ name: "Returns policy", source_type: "file", sync_state: "idle" });
        expect(source.document_count).toBeGreaterThan(0);
        expect(await item.textContent()).toContain(`${source.document_count} document`);

        // A sync on demand goes through queued/syncing back to ready.
        await item.getByRole("button", { name: "Sync Returns policy" }).click();
        await item.getByText(/Queued|Syncing/).waitFor();
        await item.getByText("Ready").waitFor({ timeout: 20_000 });
        await expect.poll(async () => (await app.adminApi("GET", "/api/v1/rag/sources"))[0].sync_state).toBe("idle");

        await page.getByLabel("Question").fill("Can I return an item for a refund?");
        await page.getByRole("button", { name: "Search", exact: true }).click();
        const results = page.getByRole("list", { name: "Search results" });
        await results.waitFor();
        const first = results.getByRole("listitem").first();
        expect(await first.textContent()).toContain("Returns policy");
        expect(await first.textContent()).toMatch(/similarity -?\d\.\d{3}/);
        await screenshot(page, "settings-knowledge");
        expect(await axeViolations(page)).toEqual([]);
      });
    });

    describe("on a phone", () => {
      it("the knowledge screen fits 390 px without sideways scrolling", async () => {
        const storageState = await page.context().storageState();
        const small = await app.openPage({ viewport: { width: 390, height: 844 }, storageState });
        try {
          await small.page.goto(`${app.url}/admin/ai/knowledge`);
          await small.page.locator('[data-source="Returns policy"]').waitFor();
          const overflow = await documentWidth(small.page);
          expect(overflow).toBeLessThanOrEqual(390);
          await screenshot(small.page, "settings-knowledge-phone");
          expect(await axeViolations(small.page)).toEqual([]);
          expectQuiet(small.watch);
        } finally {
          await small.context.close();
        }
      });
    });

    describe("PCI and ecommerce", () => {
      it("saves what the PCI scan looks for", async () => {
        await open("/admin/pci", "PCI");
        await page.getByLabel("Scan incoming messages for card data").check();
        await page.getByLabel("Expiry dates").uncheck();
        await page.getByLabel("Redact after (days)").fill("14");
        await page.getByRole("button", { name: "Save" }).click();
        await savedNote().waitFor();
        expect(await app.adminApi("GET", "/api/v1/settings/pci")).toMatchObject({
          enabled: true,
          auto_redact_days: 14,
          detect: { expiry: false },
        });
        await screenshot(page, "settings-pci");
        expect(await axeViolations(page)).toEqual([]);
      });

      it("tests a store connection that does not answer and says why, and a lookup shows what came back", async () => {
        await open("/admin/ecommerce", "Ecommerce");
        await page.getByLabel("Store URL").fill("http://127.0.0.1:9");
        await page.getByLabel("Client ID").fill("helperiq");
        await page.getByLabel("Client secret").fill("store-secret-1");
        await page.getByLabel("Timeout (ms)").fill("1000");
        await page.getByRole("button", { name: "Test connection" }).click();
        await page.getByRole("status").filter({ hasText: "The store did not answer as expected." }).waitFor();
        await page.getByRole("button", { name: "Save" }).click();
        await savedNote().waitFor();
        expect(await page.getByLabel("Client secret").inputValue()).toBe("");
        expect((await app.adminApi("GET", "/api/v1/ecommerce/settings")).client_secret).toBe(MASK);

        await page.getByLabel("Customer email").fill("carla@example.com");
        await page.getByRole("button", { name: "Look up" }).first().click();
        const outcome = page
          .getByRole("region", { name: "Test lookups" })
          .getByRole("status")
          .filter({ hasText: "The store did not answer as expected." });
        await outcome.waitFor();
        expect(((await outcome.textContent()) ?? "").length).toBeGreaterThan(40);
        await screenshot(page, "settings-ecommerce");
        expect(await axeViolations(page)).toEqual([]);
      });
    });
  },
);
