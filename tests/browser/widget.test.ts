import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { normalizeLivechatConfig } from "@helperiq/core/inbox/livechat-config";
import { inboxes, tenants } from "@helperiq/core/schema";
import { loadConfig } from "@helperiq/server/config";
import { startServer, type RunningServer } from "@helperiq/server/start";
import { eq } from "drizzle-orm";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { CHROMIUM, CHROMIUM_FLAGS } from "../support/browser.ts";
import { createDatabase, dropDatabase } from "../support/postgres-server.ts";

/**
 * The embeddable widget end to end, in Debian's Chromium (scripts/provision-chromium.sh installs it):
 * the embedded server for real on a free port, a customer's page served from another origin that
 * includes `<script src="…/widget.js" data-inbox="…">`, an agent on the agent WebSocket and the REST API.
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
let context: BrowserContext;
let page: Page;
let agent: { cookie: string; csrf: string };

/** The customer's page: another origin than the API, with the widget's script tag. */
function sitePage(apiUrl: string, inbox: string) {
  return `<!doctype html><html><head><title>Acme shop — order 1042</title></head>
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
    if (req.url !== "/" && !req.url?.startsWith("/?")) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(sitePage(server.url, inboxUuid));
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
        .toBe("Support is typing…");

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
});
