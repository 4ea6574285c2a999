import { randomBytes } from "node:crypto";
import { apiKeys } from "@helperiq/core/schema";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { createContact, createConversation, createMessage } from "../support/factories.ts";
import { openSignedIn, pathOf, signIn, startWebApp, type WebApp } from "../support/web-app.ts";

/**
 * The agent's workspace tools in Chromium against the embedded server: the command palette's unified
 * search (the API's <mark> snippets, opened from the keyboard alone), the keyboard shortcuts and their help
 * overlay, the notification bell (a real @mention note by another agent), and the account page (name,
 * password, availability, mailed notification switches, Google devices) read back through the API.
 */
const ADMIN = { email: "ada@acme.example", password: "ada-password-12345" };
const BOB = { email: "bob@acme.example", password: "bob-password-12345" };
const NEW_PASSWORD = "ada-new-password-67890";
/** A 1×1 PNG: the server sniffs uploads, so an avatar must be a real picture. */
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

let app: WebApp;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let adminId: number;
/** Oldest first: the list shows them newest first. */
const uuids: string[] = [];

const palette = () => page.getByTestId("search-palette");
/** Focus back on the page itself (as after clicking an empty spot): where the shortcuts listen. */
const blur = () =>
  // No DOM types in this program: the page's document is reached through globalThis.
  page.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { blur?: () => void } | null } }
    ).document.activeElement?.blur?.(),
  );

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "workspace tools in Chromium",
  { timeout: 90_000 },
  () => {
    beforeAll(async () => {
      app = await startWebApp({ adminEmail: ADMIN.email, adminPassword: ADMIN.password });
      const api = app.adminApi;
      const me = await api("GET", "/api/v1/agents/me");
      adminId = me.id;
      const inbox = await app.createMailInbox();
      await app.hireAgent({ first: "Bob", last: "Builder", ...BOB });
      const { seed, tenant } = app;
      const subjects = ["Invoice copy", "Broken hinge", "Wrong colour"];
      const bodies = [
        "Could you send the invoice again?",
        "The <b>hinge</b> of my wardrobe snapped off after a week.",
        "I ordered green and got purple.",
      ];
      for (const [i, subject] of subjects.entries()) {
        const contact = await createContact(seed, tenant, { email: `c${i}@example.org`, firstName: `Customer ${i}` });
        const c = await createConversation(seed, tenant, {
          inboxId: inbox.id,
          contactId: contact.id,
          subject,
          assignedUserId: me.id,
          lastMessageAt: new Date(Date.now() - (3 - i) * 60_000),
        });
        await createMessage(seed, tenant, c.id, {
          text: bodies[i]!,
          createdAt: new Date(Date.now() - (3 - i) * 60_000),
        });
        uuids.push(c.uuid);
      }
      // A phone signed in with Google (the API issues these keys at POST /auth/google-mobile).
      await app.server.database.db.insert(apiKeys).values({
        tenantId: tenant.id,
        userId: me.id,
        kind: "device",
        name: "Pixel 8",
        prefix: "lk_pixel8x",
        keyHash: randomBytes(32).toString("hex"),
      });
      ({ page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => {
      expect(watch.problems).toEqual([]);
      expect(watch.takeHttpErrors()).toEqual([]);
    });

    afterAll(async () => {
      await app?.close();
    });

    it("search: the palette finds a conversation by a word of a message, shows the API's <mark> snippet as text, opens it by keyboard", async () => {
      await openSignedIn(app, page, "/inboxes/assigned", ADMIN.email, ADMIN.password);
      expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]); // not signed in yet
      await page.getByTestId("conversation-row").first().waitFor();
      await page.keyboard.press("Control+k");
      const input = page.getByRole("combobox", { name: "Search" });
      await input.waitFor();
      expect(await input.evaluate((el) => el.matches(":focus"))).toBe(true);
      // Quick actions before anything is typed; one letter is too short for the API.
      await palette()
        .getByRole("option", { name: /My inbox/ })
        .waitFor();
      await page.keyboard.type("h");
      await palette().getByText("Type at least 2 characters to search.").waitFor();
      await page.keyboard.type("inge");
      const option = palette()
        .getByRole("option", { name: /Broken hinge/ })
        .first();
      await option.waitFor();
      // The snippet: the match in <mark>, and the message's own markup (`<b>` typed by the customer) as text.
      const snippet = option.getByTestId("search-snippet");
      expect(await snippet.locator("mark").first().textContent()).toMatch(/hinge/i);
      expect(await snippet.locator("b").count()).toBe(0);
      expect(await palette().locator("[data-testid=search-snippet] *:not(mark):not(span)").count()).toBe(0);
      await screenshot(page, "search-palette");
      expect(await axeViolations(page)).toEqual([]);
      // The first search hit is highlighted once the answer is in: Enter opens it.
      await expect.poll(() => palette().locator("[data-highlighted]").textContent()).toMatch(/Broken hinge/);
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: /Broken hinge/ }).waitFor();
      expect(pathOf(page)).toBe(`/conversations/${uuids[1]}`);
      expect(await palette().count()).toBe(0);

      // "/" opens it too; a quick action goes to a list.
      await blur();
      await page.keyboard.press("/");
      await input.waitFor();
      await page.keyboard.type("my in");
      await expect.poll(() => palette().locator("[data-highlighted]").textContent()).toMatch(/My inbox/);
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "My inbox" }).waitFor();
    });

    it("search at 390 px: the palette fits the phone's width", async () => {
      const {
        context,
        page: small,
        watch: smallWatch,
      } = await app.openPage({
        viewport: { width: 390, height: 844 },
        colorScheme: "dark",
        storageState: await page.context().storageState(),
      });
      try {
        await small.goto(`${app.url}/inboxes/assigned`);
        await small.getByRole("heading", { name: "My inbox" }).waitFor();
        await small.getByRole("button", { name: "Search", exact: true }).click();
        await small.getByRole("combobox", { name: "Search" }).fill("colour");
        await small
          .getByTestId("search-palette")
          .getByRole("option", { name: /Wrong colour/ })
          .first()
          .waitFor();
        const box = await small.getByTestId("search-palette").boundingBox();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(390);
        await screenshot(small, "search-palette-phone-dark");
        expect(await axeViolations(small)).toEqual([]);
        expect(smallWatch.problems).toEqual([]);
        expect(smallWatch.takeHttpErrors()).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it("shortcuts: j / k move through the list, ? shows the help overlay, keys typed in a field stay text", async () => {
      await page.getByTestId("conversation-row").first().waitFor();
      await blur();
      // Newest first: Wrong colour, Broken hinge, Invoice copy.
      await page.keyboard.press("j");
      await expect.poll(() => pathOf(page)).toBe(`/inboxes/assigned/conversations/${uuids[2]}`);
      await page.getByRole("heading", { name: /Wrong colour/ }).waitFor();
      await page.keyboard.press("j");
      await expect.poll(() => pathOf(page)).toBe(`/inboxes/assigned/conversations/${uuids[1]}`);
      await page.keyboard.press("j");
      await expect.poll(() => pathOf(page)).toBe(`/inboxes/assigned/conversations/${uuids[0]}`);
      await page.keyboard.press("k");
      await expect.poll(() => pathOf(page)).toBe(`/inboxes/assigned/conversations/${uuids[1]}`);
      await page.getByRole("heading", { name: /Broken hinge/ }).waitFor();

      await page.keyboard.press("?");
      const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
      await help.waitFor();
      for (const label of [
        "Next conversation",
        "Previous conversation",
        "Reply",
        "Write a private note",
        "Resolve",
        "Assign to me",
      ])
        expect(await help.getByText(label, { exact: true }).count(), label).toBe(1);
      // While the overlay is open, list keys do nothing.
      await page.keyboard.press("j");
      expect(pathOf(page)).toBe(`/inboxes/assigned/conversations/${uuids[1]}`);
      await screenshot(page, "shortcuts-help");
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await help.waitFor({ state: "detached" });

      // r: the reply editor takes the focus; letters typed there are text, not shortcuts.
      await blur();
      await page.keyboard.press("r");
      const editor = page.getByTestId("reply-editor");
      await expect.poll(() => editor.evaluate((el) => el.matches(":focus-within"))).toBe(true);
      await page.keyboard.type("jk");
      expect(pathOf(page)).toBe(`/inboxes/assigned/conversations/${uuids[1]}`);
      expect(await editor.textContent()).toContain("jk");

      // a: assign to me; e: resolve (Shift+R is left unbound so that a slip of Shift never resolves).
      const api = app.adminApi;
      await api("PUT", `/api/v1/conversations/${uuids[1]}/assignee/user/remove`);
      await blur();
      await page.keyboard.press("a");
      await expect
        .poll(async () => (await api("GET", `/api/v1/conversations/${uuids[1]}`)).assigned_user_id)
        .toBe(adminId);
      await page.keyboard.press("e");
      await expect.poll(async () => (await api("GET", `/api/v1/conversations/${uuids[1]}`)).status).toBe("Resolved");
    });

    it("notifications: Bob's @mention note rings the bell (1 unread), the popover links to it, mark read brings it to 0", async () => {
      const bob = await app.apiSession(BOB.email, BOB.password);
      await bob("POST", `/api/v1/conversations/${uuids[0]}/messages`, {
        message: `<p><span data-type="mention" data-id="${adminId}">@Ada</span> can you check the invoice?</p>`,
        private: true,
        mentions: [adminId],
      });
      // Live: the realtime push makes the bell read again (no reload; its poll is a minute away).
      const bell = page.getByRole("button", { name: "Notifications, 1 unread" });
      await bell.waitFor();
      await bell.click();
      const popover = page.getByTestId("notifications-popover");
      await popover.waitFor();
      const item = popover.getByTestId("notification-item");
      await expect.poll(() => item.count()).toBe(1);
      expect(await item.textContent()).toMatch(/Bob Builder mentioned you/);
      expect(await item.getByRole("link").getAttribute("href")).toBe(`/conversations/${uuids[0]}`);
      await screenshot(page, "notifications-popover");
      expect(await axeViolations(page)).toEqual([]);
      await popover.getByRole("button", { name: /^Mark read: / }).click();
      await page.getByRole("button", { name: "Notifications, none unread" }).waitFor();
      expect(await app.adminApi("GET", "/api/v1/notifications/stats")).toMatchObject({ total: 1, unread: 0 });
      await page.keyboard.press("Escape");
    });

    it("account: name shows in the user menu, a wrong current password under its field, availability, an email switch, picture, signature and a Google phone, each read back from the API", async () => {
      await page.getByRole("button", { name: /Account and theme/ }).click();
      await page.getByRole("menuitem", { name: "My account" }).click();
      await page.getByRole("heading", { name: "My account", level: 1 }).waitFor();
      expect(pathOf(page)).toBe("/account");
      await page.getByTestId("device").first().waitFor();
      await screenshot(page, "account-page");
      expect(await axeViolations(page)).toEqual([]);

      await page.getByLabel("First name").fill("Adelaide");
      await page.getByLabel("Last name").fill("Lovelace");
      await page.getByRole("region", { name: "Profile" }).getByRole("button", { name: "Save" }).click();
      await page.getByRole("button", { name: /Adelaide Lovelace/ }).waitFor();

      // A wrong current password: the API's 400 under that field.
      await page.getByLabel("Current password").fill("not-my-password");
      await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "Change password" }).click();
      await expect.poll(() => page.locator("#current_password-error").textContent()).toBe("does not match");
      expect(await page.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
      expect(watch.takeHttpErrors()).toEqual(["400 PUT /api/v1/agents/me"]);
      await screenshot(page, "account-password-error");

      // Availability and the mention mail switch, read back from the API.
      await page.getByRole("region", { name: "Availability" }).getByText("Away", { exact: true }).click();
      await expect.poll(() => page.getByRole("radio", { name: "Away" }).isChecked()).toBe(true);
      const mention = page.getByRole("switch", { name: "Someone mentions me in a note" });
      expect(await mention.getAttribute("aria-checked")).toBe("true");
      await mention.click();
      await expect.poll(() => mention.getAttribute("aria-checked")).toBe("false");
      const api = app.adminApi;
      await expect
        .poll(async () => {
          const me = await api("GET", "/api/v1/agents/me");
          return [
            me.first_name,
            me.last_name,
            me.availability,
            me.email_notifications.mention,
            me.email_notifications.assigned,
          ];
        })
        .toEqual(["Adelaide", "Lovelace", "away", false, true]);

      // The picture: uploaded through the profile form's multipart body, shown in the user menu, then removed.
      await page
        .locator("#avatar-file")
        .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: Buffer.from(PNG_BASE64, "base64") });
      const menuAvatar = page.getByRole("button", { name: /Account and theme/ }).locator("img");
      await expect.poll(() => menuAvatar.getAttribute("src")).toMatch(/^\/uploads\//);
      expect((await api("GET", "/api/v1/agents/me")).avatar_url).toMatch(/^\/uploads\//);
      await page.getByRole("button", { name: "Remove picture" }).click();
      await expect.poll(() => menuAvatar.count()).toBe(0);
      // The signature: typed as text, stored as paragraphs.
      await page.getByRole("textbox", { name: "Signature" }).fill("Ada\nAcme Support");
      await page.getByRole("region", { name: "Signature" }).getByRole("button", { name: "Save" }).click();
      await expect
        .poll(async () => (await api("GET", "/api/v1/agents/me")).signature)
        .toMatch(/^<p>Ada<br ?\/?>Acme Support<\/p>$/);
      await page.locator("#account-devices").scrollIntoViewIfNeeded();
      await screenshot(page, "account-notifications-devices");
      // The Google phone: listed, then signed out.
      await page.getByRole("button", { name: "Sign out Pixel 8" }).click();
      await page.getByText("No phone is signed in.").waitFor();
      expect(await api("GET", "/api/v1/auth/devices")).toEqual([]);
    });

    it("account: the password changes, and signing in takes the new one", async () => {
      await page.getByLabel("Current password").fill(ADMIN.password);
      await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByRole("region", { name: "Password" }).getByText("Saved").waitFor();
      expect(await page.getByLabel("Current password").inputValue()).toBe("");

      await page.getByRole("button", { name: /Account and theme/ }).click();
      await page.getByRole("menuitem", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await signIn(page, ADMIN.email, ADMIN.password);
      await page.getByRole("alert").waitFor();
      expect(watch.takeHttpErrors()).toEqual(["401 POST /api/v1/auth/login"]);
      await signIn(page, ADMIN.email, NEW_PASSWORD);
      await page.getByRole("heading", { name: "My inbox" }).waitFor();
    });

    it("account at 390 px in the dark theme", async () => {
      const {
        context,
        page: small,
        watch: smallWatch,
      } = await app.openPage({
        viewport: { width: 390, height: 844 },
        colorScheme: "dark",
        storageState: await page.context().storageState(),
      });
      try {
        await small.goto(`${app.url}/account`);
        await small.getByRole("heading", { name: "My account", level: 1 }).waitFor();
        await small.getByLabel("First name").waitFor();
        const width = await small.locator("html").evaluate((el) => el.scrollWidth);
        expect(width).toBeLessThanOrEqual(390);
        await screenshot(small, "account-page-phone-dark");
        expect(await axeViolations(small)).toEqual([]);
        await small.getByRole("button", { name: /^Notifications/ }).click();
        await small.getByTestId("notifications-popover").waitFor();
        await screenshot(small, "notifications-popover-phone-dark");
        expect(await axeViolations(small)).toEqual([]);
        expect(smallWatch.problems).toEqual([]);
        expect(smallWatch.takeHttpErrors()).toEqual([]);
      } finally {
        await context.close();
      }
    });
  },
);
