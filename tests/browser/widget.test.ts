import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { normalizeLivechatConfig } from "@helperiq/core/inbox/livechat-config";
import { resumeWorkspace, suspendWorkspace } from "@helperiq/core/platform/lifecycle";
import { systemClock } from "@helperiq/core/port/index";
import { inboxes, tenants } from "@helperiq/core/schema";
import { loadConfig } from "@helperiq/server/config";
import { startServer, type RunningServer } from "@helperiq/server/start";
import { eq } from "drizzle-orm";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { axeViolations, CHROMIUM, CHROMIUM_FLAGS, screenshot } from "../support/browser.ts";
import { createDatabase, dropDatabase } from "../support/postgres-server.ts";

/**
 * The embeddable widget end to end, in Debian's Chromium (scripts/provision-chromium.sh installs it):
 * the embedded server for real on a free port, a customer's page served from another origin that
 * includes `<script src="…/widget.js" data-inbox="…">`, an agent on the agent WebSocket and the REST API.
 * Two live-chat inboxes: a plain one, and a branded one (colour, logo, greeting, reply-time line, pre-chat
 * form) whose screenshots (.test-work/screenshots/widget-*.png) show the widget closed, open and mid-chat.
 */
const ADMIN_EMAIL = "owner@widget.example";
const ADMIN_PASSWORD = "browser-test-password-1";
const WAIT_MS = 15_000;

const dataDir = mkdtempSync(path.join(tmpdir(), "helperiq-browser-"));
const profileDir = mkdtempSync(path.join(tmpdir(), "helperiq-chromium-"));
let pgDatabase: { adminUrl: string; name: string } | undefined;
let server: RunningServer;
let site: Server;
let siteUrl: string;
let inboxUuid: string;
let brandedUuid: string;
let context: BrowserContext;
let page: Page;
let agent: { cookie: string; csrf: string };

const FIXTURES = new URL("../fixtures/widget/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));
const BRAND_COLOR = "#0f766e";

/** The customer's page: another origin than the API, with the widget's script tag (`?inbox=` picks the inbox). */
function sitePage(apiUrl: string, inbox: string) {
  return `<!doctype html><html lang="en"><head><title>Acme shop — order 1042</title></head>
<body><h1>Acme shop</h1><p>Your order is on its way.</p>
<script src="${apiUrl}/widget.js" data-inbox="${inbox}" async></script></body></html>`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/provision-chromium.sh (npm test does)`);
  const env: Record<string, string> = { PORT: "0", DATA_DIR: dataDir, ADMIN_EMAIL, ADMIN_PASSWORD };
  const info = inject("testDb");
  if (info.kind === "pg") {
    pgDatabase = { adminUrl: info.adminUrl, name: `browser_${process.pid}_${Date.now().toString(36)}` };
    env.DATABASE_URL = await createDatabase(info.adminUrl, pgDatabase.name, info.template);
  }
  server = await startServer(loadConfig(env), () => undefined);

  site = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://site.invalid");
    if (url.pathname === "/acme-logo.png")
      return void res.writeHead(200, { "content-type": "image/png" }).end(fixture("acme-logo.png"));
    if (url.pathname !== "/") return void res.writeHead(404).end();
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end(sitePage(server.url, url.searchParams.get("inbox") ?? inboxUuid));
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

  // The live-chat inbox of the default workspace, as the inbox API stores it: the page's host:port allowed.
  const db = server.database.db;
  const [workspace] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "default"));
  const [row] = await db
    .insert(inboxes)
    .values({
      tenantId: workspace!.id,
      name: "Acme chat",
      channel: "livechat",
      config: normalizeLivechatConfig({
        allowed_domains: [new URL(siteUrl).host],
        greeting: "Hi! Ask us anything.",
        brand_name: "Acme support",
      }),
    })
    .returning({ uuid: inboxes.uuid });
  inboxUuid = row!.uuid;
  const [branded] = await db
    .insert(inboxes)
    .values({
      tenantId: workspace!.id,
      name: "Outdoor chat",
      channel: "livechat",
      config: normalizeLivechatConfig({
        allowed_domains: [new URL(siteUrl).host],
        brand_name: "Acme Outdoor",
        logo_url: `${siteUrl}/acme-logo.png`,
        greeting: "Hi there! Questions about an order or a product? We're here to help.",
        intro: "Typically replies in a few minutes",
        launcher: { color: BRAND_COLOR },
        prechat_form: {
          enabled: true,
          title: "Tell us who you are",
          fields: [
            { key: "name", label: "Your name", type: "text", required: true },
            { key: "email", label: "Email", type: "email", required: true },
            { key: "order", label: "Order number", placeholder: "e.g. 1042" },
          ],
        },
      }),
    })
    .returning({ uuid: inboxes.uuid });
  brandedUuid = branded!.uuid;

  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookies = login.headers.getSetCookie().map((c) => c.split(";")[0]!);
  agent = { cookie: cookies.join("; "), csrf: cookies.find((c) => c.startsWith("csrf_token="))!.split("=")[1]! };

  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 120_000);

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  await server?.close();
  if (pgDatabase) await dropDatabase(pgDatabase.adminUrl, pgDatabase.name);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
});

/** The agent's WebSocket (`/ws`, session cookie), collecting every frame. */
async function agentSocket() {
  const frames: { type: string; data: any }[] = [];
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws`, { headers: { cookie: agent.cookie } });
  ws.on("message", (data) => {
    const text = data.toString();
    if (text !== "pong") frames.push(JSON.parse(text));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`/ws refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
  const next = async (match: (f: { type: string; data: any }) => boolean) => {
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline) {
      const hit = frames.find(match);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no matching frame in ${WAIT_MS} ms; got ${JSON.stringify(frames.map((f) => f.type))}`);
  };
  return { ws, frames, next };
}

/** Whether this server speaks the widget socket: a handshake without a token is 401 there, 404 where it does not exist. */
async function widgetSocketStatus(): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/widget/ws`);
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("open", () => {
      resolve(101);
      ws.close();
    });
    ws.once("error", () => resolve(0));
  });
}

/** A localStorage entry of the customer's page (what the widget keeps across reloads). */
const stored = (key: string) =>
  page.evaluate(
    (k) => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem(k),
    key,
  );

const agentFetch = (method: string, urlPath: string, body?: unknown) =>
  fetch(`${server.url}${urlPath}`, {
    method,
    headers: {
      cookie: agent.cookie,
      "x-csrftoken": agent.csrf,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });

/** An agent's multipart request (profile picture, uploads). */
const agentForm = (method: string, urlPath: string, form: FormData) =>
  fetch(`${server.url}${urlPath}`, {
    method,
    headers: { cookie: agent.cookie, "x-csrftoken": agent.csrf },
    body: form,
  });

/** A part of the widget by its `data-hq` name (the shadow root is open: Playwright's CSS reaches in). */
const part = (name: string) => page.locator(`#helperiq-widget [data-hq="${name}"]`);
/** Whether `locator` has the focus of its (shadow) root. */
const focused = (locator: Locator) =>
  locator.evaluate(
    (el: unknown) => (el as { getRootNode(): { activeElement: unknown } }).getRootNode().activeElement === el,
  );
const computed = (locator: Locator, property: string) =>
  locator.evaluate(
    (el: unknown, prop) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(p: string): string } })
        .getComputedStyle(el)
        .getPropertyValue(prop),
    property,
  );
/** Whether an <img> loaded a real picture (not a broken-image box). */
const loaded = (locator: Locator) =>
  locator.evaluate((el: unknown) => {
    const img = el as { complete: boolean; naturalWidth: number };
    return img.complete && img.naturalWidth > 0;
  });
const typing = (conversationUuid: string, isTyping: boolean) =>
  JSON.stringify({
    type: "typing",
    data: { conversation_uuid: conversationUuid, is_typing: isTyping, is_private_message: false },
  });
const BRAND_RGB = "rgb(15, 118, 110)";

describe("the embeddable widget in Chromium", () => {
  it("lets a visitor chat with an agent: first message, agent events, reply over REST, shown on the page", async () => {
    // The widget socket is served (401 without a token): agent replies must reach the page through it.
    expect(await widgetSocketStatus()).toBe(401);
    const socket = await agentSocket();
    try {
      await page.goto(siteUrl);
      const host = page.locator("#helperiq-widget");
      await host.and(page.locator("[data-ready=true]")).waitFor({ state: "attached", timeout: WAIT_MS });
      await page.locator('[data-hq="launcher"]').click();
      await expect
        .poll(() => page.locator('[data-hq="greeting"]').textContent(), { timeout: WAIT_MS })
        .toBe("Hi! Ask us anything.");
      await expect.poll(() => page.locator('[data-hq="title"]').textContent()).toBe("Acme support");

      await page.locator('[data-hq="input"]').fill("Hi, where is order 1042?");
      await page.locator('[data-hq="send"]').click();
      await page.locator(".msg.incoming", { hasText: "Hi, where is order 1042?" }).waitFor({ timeout: WAIT_MS });
      const token = await stored(`helperiq:${inboxUuid}:token`);
      expect(token).toMatch(/^wt_/);
      const conversationUuid = (await stored(`helperiq:${inboxUuid}:conversation`))!;

      // The agent's WebSocket hears of the new conversation; subscribed to it (as the agent UI does on
      // opening it), it gets the visitor's next message as it is written.
      const created = await socket.next(
        (f) => f.type === "new_conversation" && JSON.stringify(f.data).includes(conversationUuid),
      );
      expect(created).toBeTruthy();
      socket.ws.send(JSON.stringify({ type: "conversation_subscribe", data: { conversation_uuid: conversationUuid } }));
      await socket.next((f) => f.type === "conversation_subscribed");
      await page.locator('[data-hq="input"]').fill("Are you there?");
      await page.locator('[data-hq="input"]').press("Enter");
      const second = await socket.next(
        (f) => f.type === "new_message" && f.data?.conversation_uuid === conversationUuid,
      );
      expect(second.data).toMatchObject({ type: "incoming", sender_type: "contact", text_content: "Are you there?" });

      // The page the visitor was on reached the conversation's page visits.
      const visits = (await (
        await agentFetch("GET", `/api/v1/conversations/${conversationUuid}/page-visits`)
      ).json()) as { data: { url: string; title: string }[] };
      expect(visits.data[0]).toMatchObject({ url: `${siteUrl}/`, title: "Acme shop — order 1042" });

      // Realtime, not polling: the page is on the widget socket, and the agent's typing reaches it.
      await expect.poll(() => host.getAttribute("data-transport"), { timeout: WAIT_MS }).toBe("socket");
      socket.ws.send(
        JSON.stringify({
          type: "typing",
          data: { conversation_uuid: conversationUuid, is_typing: true, is_private_message: false },
        }),
      );
      await expect
        .poll(() => page.locator('[data-hq="typing"]').textContent(), { timeout: WAIT_MS })
        .toBe("Admin is typing…");

      const reply = await agentFetch("POST", `/api/v1/conversations/${conversationUuid}/messages`, {
        message: "<p>It ships <b>today</b>!</p>",
      });
      expect(reply.status).toBe(201);
      await page.locator(".msg.outgoing", { hasText: "It ships today!" }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator(".msg.outgoing .who").first().textContent()).toBe("Admin");
      // Still on the socket (polling never took over), and a message clears the typing indicator.
      expect(await host.getAttribute("data-transport")).toBe("socket");
      expect(await page.locator('[data-hq="typing"]').textContent()).toBe("");
      // A private note never reaches the page.
      expect(
        (
          await agentFetch("POST", `/api/v1/conversations/${conversationUuid}/messages`, {
            message: "internal: VIP",
            private: true,
          })
        ).status,
      ).toBe(201);

      // A reload keeps the visitor (token in localStorage) and the history, without the note.
      await page.reload();
      await page
        .locator(".msg.outgoing", { hasText: "It ships today!" })
        .waitFor({ state: "attached", timeout: WAIT_MS });
      expect(await page.locator(".msg").allTextContents()).toEqual([
        "Hi, where is order 1042?",
        "Are you there?",
        "AdminIt ships today!",
      ]);

      // The visitor writes again in the same conversation.
      await page.locator('[data-hq="launcher"]').click();
      await page.locator('[data-hq="input"]').fill("Great, thanks!");
      await page.locator('[data-hq="input"]').press("Enter");
      await socket.next((f) => f.type === "new_message" && f.data?.text_content === "Great, thanks!");
      const messages = (await (
        await agentFetch("GET", `/api/v1/conversations/${conversationUuid}/messages`)
      ).json()) as { data: { results: { text_content: string }[] } };
      expect(messages.data.results.map((m) => m.text_content)).toContain("Great, thanks!");
    } finally {
      socket.ws.close();
    }
  });

  it("wears the inbox's brand, asks its pre-chat form, and shows agent name, avatar, files, typing and unread replies", async () => {
    // The agent gets a name and a picture, as the profile form sets them.
    const profile = new FormData();
    profile.append("first_name", "Dana");
    profile.append("last_name", "Reyes");
    profile.append("files", new Blob([fixture("agent-avatar.png")], { type: "image/png" }), "dana.png");
    expect((await agentForm("PUT", "/api/v1/agents/me", profile)).status).toBe(200);
    const socket = await agentSocket();
    try {
      await page.setViewportSize({ width: 1024, height: 720 });
      await page.goto(`${siteUrl}/?inbox=${brandedUuid}`);
      await page.locator("#helperiq-widget[data-ready=true]").waitFor({ state: "attached", timeout: WAIT_MS });
      const launcher = page.getByRole("button", { name: "Chat with us" });
      expect(await launcher.getAttribute("aria-expanded")).toBe("false");
      // Its icon is SVG: no emoji glyph a visitor's fonts may lack (Debian's Chromium drew ▯).
      expect((await launcher.textContent())?.trim()).toBe("");
      expect(await launcher.locator("svg").count()).toBe(1);
      expect(await computed(launcher, "background-color")).toBe(BRAND_RGB);

      await launcher.click();
      const dialog = page.getByRole("dialog", { name: "Acme Outdoor" });
      await dialog.waitFor();
      expect(await launcher.getAttribute("aria-expanded")).toBe("true");
      expect(await computed(dialog.locator("header"), "background-color")).toBe(BRAND_RGB);
      expect(await part("intro").textContent()).toBe("Typically replies in a few minutes");
      expect(await part("greeting").textContent()).toBe(
        "Hi there! Questions about an order or a product? We're here to help.",
      );
      expect(await part("logo").getAttribute("src")).toBe(`${siteUrl}/acme-logo.png`);
      await expect.poll(() => loaded(part("logo")), { timeout: WAIT_MS }).toBe(true);
      // A new visitor answers the pre-chat form before writing; focus moved into it.
      expect(await part("form").isHidden()).toBe(true);
      const name = dialog.getByLabel("Your name");
      expect(await focused(name)).toBe(true);
      await screenshot(page, "widget-open");
      expect(await axeViolations(page)).toEqual([]);

      // Required fields are enforced here...
      const start = dialog.getByRole("button", { name: "Start chat" });
      await start.click();
      expect(await dialog.locator("#hq-f-name-error").textContent()).toBe("Required.");
      expect(await dialog.locator("#hq-f-email-error").textContent()).toBe("Required.");
      expect(await name.getAttribute("aria-invalid")).toBe("true");
      expect(await focused(name)).toBe(true);
      // ...and the server's refusal goes next to the field it names (the browser accepts this address, the server not).
      await name.fill("Sam Carter");
      const email = dialog.getByLabel("Email");
      await email.fill("sam@localhost");
      await start.click();
      expect(await name.getAttribute("aria-invalid")).toBeNull();
      await part("input").fill("My tent arrived with a torn flysheet.");
      await part("input").press("Enter");
      await expect
        .poll(() => dialog.locator("#hq-f-email-error").textContent(), { timeout: WAIT_MS })
        .toBe("must be an email address");
      expect(await email.getAttribute("aria-invalid")).toBe("true");
      expect(await focused(email)).toBe(true);
      await email.fill("sam@example.com");
      await start.click();
      // What was typed before the refusal is still there.
      expect(await part("input").inputValue()).toBe("My tent arrived with a torn flysheet.");
      await part("input").press("Enter");
      await dialog.locator(".msg.incoming", { hasText: "torn flysheet" }).waitFor({ timeout: WAIT_MS });
      const conversationUuid = (await stored(`helperiq:${brandedUuid}:conversation`))!;
      expect(conversationUuid).toBeTruthy();
      expect(await part("prechat").isHidden()).toBe(true);

      // The visitor's files: a picture as a thumbnail, anything else as a chip with its name and size.
      await part("file").setInputFiles({
        name: "flysheet.png",
        mimeType: "image/png",
        buffer: fixture("parcel-photo.png"),
      });
      const thumb = dialog.locator(".msg.incoming .thumb img");
      await thumb.waitFor({ timeout: WAIT_MS });
      await expect.poll(() => loaded(thumb), { timeout: WAIT_MS }).toBe(true);
      expect(await thumb.getAttribute("alt")).toBe("flysheet.png");
      const receipt = Buffer.from("Order 1042: tent x1, 249.00\n");
      await part("file").setInputFiles({ name: "receipt.txt", mimeType: "text/plain", buffer: receipt });
      const chip = dialog.locator(".msg.incoming .chip", { hasText: "receipt.txt" });
      await chip.waitFor({ timeout: WAIT_MS });
      expect(await chip.locator("small").textContent()).toBe(`${receipt.length} B`);

      // The agent answers with a file: their name and picture on the reply, the file as a chip, announced politely.
      socket.ws.send(JSON.stringify({ type: "conversation_subscribe", data: { conversation_uuid: conversationUuid } }));
      await socket.next((f) => f.type === "conversation_subscribed");
      const upload = new FormData();
      upload.append("files", new Blob(["%PDF-1.4\n%%EOF\n"], { type: "application/pdf" }), "return-label.pdf");
      const uploaded = await agentForm("POST", "/api/v1/media", upload);
      expect(uploaded.status).toBe(201);
      const { uuid: labelUuid } = ((await uploaded.json()) as { data: { uuid: string } }).data;
      const reply = await agentFetch("POST", `/api/v1/conversations/${conversationUuid}/messages`, {
        message: "<p>Sorry about that! Here is a return label.</p>",
        attachments: [{ media_uuid: labelUuid }],
      });
      expect(reply.status).toBe(201);
      const row = dialog.locator(".row.outgoing", { hasText: "return label" });
      await row.waitFor({ timeout: WAIT_MS });
      expect(await row.locator(".who").textContent()).toBe("Dana Reyes");
      await expect.poll(() => loaded(row.locator(".avatar img")), { timeout: WAIT_MS }).toBe(true);
      expect(await row.locator(".chip span").textContent()).toBe("return-label.pdf");
      expect(await part("announce").getAttribute("role")).toBe("status");
      expect(await part("announce").textContent()).toBe("Dana Reyes: Sorry about that! Here is a return label.");

      // The agent types: dots and the agent's first name under the thread.
      socket.ws.send(typing(conversationUuid, true));
      await expect.poll(() => part("typing").textContent(), { timeout: WAIT_MS }).toBe("Dana is typing…");
      expect(await part("typing-row").isVisible()).toBe(true);
      await screenshot(page, "widget-midchat");
      expect(await axeViolations(page)).toEqual([]);

      // Motion: the panel slides in and the dots bounce, unless the visitor asked for less motion.
      const dot = part("typing-row").locator(".dots i").first();
      expect(await computed(dialog, "animation-name")).toBe("hq-in");
      expect(await computed(dot, "animation-name")).toBe("hq-dot");
      await page.emulateMedia({ reducedMotion: "reduce" });
      expect(await computed(dialog, "animation-name")).toBe("none");
      expect(await computed(dot, "animation-name")).toBe("none");
      expect(await computed(launcher, "transition-duration")).toBe("0s");
      await page.emulateMedia({ reducedMotion: null });
      socket.ws.send(typing(conversationUuid, false));
      await expect.poll(() => part("typing-row").isHidden(), { timeout: WAIT_MS }).toBe(true);

      // Escape closes and gives focus back to the launcher; a reply while closed is an unread badge.
      await part("input").focus();
      await page.keyboard.press("Escape");
      expect(await dialog.isHidden()).toBe(true);
      expect(await focused(launcher)).toBe(true);
      expect(
        (
          await agentFetch("POST", `/api/v1/conversations/${conversationUuid}/messages`, {
            message: "A replacement flysheet ships today.",
          })
        ).status,
      ).toBe(201);
      await expect.poll(() => part("badge").textContent(), { timeout: WAIT_MS }).toBe("1");
      expect(await part("badge").isVisible()).toBe(true);
      expect(await launcher.getAttribute("aria-label")).toBe("Chat with us, 1 unread message");
      await screenshot(page, "widget-closed");
      // The count is the server's: a reload still shows it; opening reads it, for good.
      await page.reload();
      await expect.poll(() => part("badge").textContent(), { timeout: WAIT_MS }).toBe("1");
      const seen = page.waitForResponse((r) => r.url().includes("/update-last-seen"));
      await launcher.click();
      expect((await seen).ok()).toBe(true);
      expect(await part("badge").isHidden()).toBe(true);
      await dialog.locator(".msg.outgoing", { hasText: "ships today" }).waitFor({ timeout: WAIT_MS });
      await page.reload();
      await page.locator("#helperiq-widget[data-ready=true]").waitFor({ state: "attached", timeout: WAIT_MS });
      await part("messages").locator(".row").first().waitFor({ state: "attached", timeout: WAIT_MS });
      expect(await part("badge").isHidden()).toBe(true);
      expect(await part("prechat").isHidden()).toBe(true);
    } finally {
      socket.ws.close();
      await page.emulateMedia({ reducedMotion: null });
    }
  });

  it("works from the keyboard alone: Tab reaches the launcher, Enter opens, type and send, Escape closes", async () => {
    await page.goto(siteUrl);
    await page.locator("#helperiq-widget[data-ready=true]").waitFor({ state: "attached", timeout: WAIT_MS });
    const launcher = part("launcher");
    await page.keyboard.press("Tab");
    expect(await focused(launcher)).toBe(true);
    // Focus is visible.
    expect(await computed(launcher, "outline-style")).toBe("solid");
    await page.keyboard.press("Enter");
    expect(await launcher.getAttribute("aria-expanded")).toBe("true");
    expect(await focused(part("input"))).toBe(true);
    await page.keyboard.type("Typed without a mouse");
    await page.keyboard.press("Enter");
    await page.locator(".msg.incoming", { hasText: "Typed without a mouse" }).waitFor({ timeout: WAIT_MS });
    expect(await part("input").inputValue()).toBe("");
    // The attach and send buttons are next in the tab order.
    await page.keyboard.press("Tab");
    expect(await focused(part("attach"))).toBe(true);
    await page.keyboard.press("Tab");
    expect(await focused(part("send"))).toBe(true);
    await page.keyboard.press("Escape");
    expect(await part("panel").isHidden()).toBe(true);
    expect(await launcher.getAttribute("aria-expanded")).toBe("false");
    expect(await focused(launcher)).toBe(true);

    // On a phone the open panel fills the screen.
    await page.setViewportSize({ width: 390, height: 780 });
    await page.keyboard.press("Enter");
    expect(await part("panel").evaluate((el: unknown) => (el as { offsetWidth: number }).offsetWidth)).toBe(390);
    // The picture once the panel has finished sliding in.
    await part("panel").evaluate((el: unknown) =>
      Promise.all((el as { getAnimations(): { finished: Promise<unknown> }[] }).getAnimations().map((a) => a.finished)),
    );
    await screenshot(page, "widget-phone");
    await page.keyboard.press("Escape");
    await page.setViewportSize({ width: 1024, height: 720 });
  });

  it("shows nothing on a page outside the inbox's allowed domains", async () => {
    const other = await context.newPage();
    try {
      // The same page from another origin (localhost instead of 127.0.0.1): not an allowed domain.
      const foreign = siteUrl.replace("127.0.0.1", "localhost");
      const refused = other.waitForEvent("console", {
        predicate: (m) => m.text().includes("[HelperIQ] chat unavailable"),
        timeout: WAIT_MS,
      });
      await other.goto(foreign);
      await refused;
      expect(await other.locator("#helperiq-widget").count()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it("once its workspace is suspended (socket closed 4403), neither polls nor reconnects at once", async () => {
    await page.goto(siteUrl);
    const host = page.locator("#helperiq-widget");
    // The visitor of the first case: their token reconnects the socket on load.
    await expect.poll(() => host.getAttribute("data-transport"), { timeout: WAIT_MS }).toBe("socket");
    const calls: string[] = [];
    const record = (url: string) => {
      if (url.includes("/api/v1/widget/") || url.includes("/widget/ws")) calls.push(url);
    };
    page.on("request", (r) => record(r.url()));
    page.on("websocket", (w) => record(w.url()));
    const deps = { db: server.database.db, clock: systemClock, sockets: server.realtime };
    await suspendWorkspace(deps, "default", "Invoice 42 is unpaid");
    try {
      await expect.poll(() => host.getAttribute("data-transport"), { timeout: WAIT_MS }).toBe("none");
      // Longer than a poll (3 s) and than the first retries of an ordinary loss (1 s, 2 s).
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(calls).toEqual([]);
    } finally {
      await resumeWorkspace(deps, "default");
    }
  });
});
