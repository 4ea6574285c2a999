import { messages } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AiServer, startAiServer } from "../support/ai-servers.ts";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { createContact, createConversation, createMessage } from "../support/factories.ts";
import { decodeQuotedPrintable } from "../support/smtp-peer.ts";
import { openSignedIn, startWebApp, type WebApp, waitFor } from "../support/web-app.ts";

/**
 * The reply editor of the agent web app in Chromium against the embedded server: rich text with an
 * attachment and Cc reaching the SMTP peer, "Send & resolve", pasted and dropped images sent inline, a
 * macro with its placeholders filled and its action run, the draft kept across a reload, an AI rewrite
 * by a provider on 127.0.0.1, an @mention in a note notifying the other agent, a forward.
 */
const AI_KEY = "sk-editor-test";
const BOB = { email: "bob@acme.example", password: "bob-password-12345" };
const CUSTOMER = { first: "Carla", email: "carla@example.com" };
/** A 1×1 PNG: the server sniffs uploads, so an inline image must be a real one. */
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

let app: WebApp;
let ai: AiServer;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let uuid: string;
let reference: number;
let bobId: number;
let agentFirstName: string;

const editor = () => page.getByTestId("reply-editor");
const editorText = async () => (await editor().textContent()) ?? "";
const mailTo = (address: string, containing: string) =>
  waitFor(`mail to ${address} with "${containing}"`, () =>
    app.peer.received.find((m) => m.to.includes(address) && decodeQuotedPrintable(m.raw).includes(containing)),
  );

/** Puts `files` on the editor as a paste (ClipboardEvent) or a drop (DragEvent at the editor's middle). */
async function giveImage(kind: "paste" | "drop", name: string) {
  await editor().evaluate(
    (el, { kind, name, b64 }) => {
      // The page's own constructors (this program has no DOM types).
      const page = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: File): void } };
        ClipboardEvent: new (type: string, init: object) => Event;
        DragEvent: new (type: string, init: object) => Event;
      };
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new page.DataTransfer();
      data.items.add(new File([bytes], name, { type: "image/png" }));
      const box = el.getBoundingClientRect();
      const event =
        kind === "paste"
          ? new page.ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
          : new page.DragEvent("drop", {
              dataTransfer: data,
              bubbles: true,
              cancelable: true,
              clientX: box.left + box.width / 2,
              clientY: box.top + Math.min(box.height / 2, 20),
            });
      el.dispatchEvent(event);
    },
    { kind, name, b64: PNG_BASE64 },
  );
}

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("reply editor in Chromium", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    ai = await startAiServer("openai", { apiKey: AI_KEY });
    app = await startWebApp({ adminEmail: "ada@acme.example", env: { OPENAI_BASE_URL: ai.baseUrl } });
    const api = app.adminApi;
    const me = await api("GET", "/api/v1/agents/me");
    agentFirstName = me.first_name;
    const inbox = await app.createMailInbox();
    const bob = await app.hireAgent({ first: "Bob", last: "Builder", ...BOB, roles: ["Agent"] });
    bobId = bob.id;
    await api("PUT", "/api/v1/agents/me/signature", { signature: "<p>Ada, Acme Support</p>" });
    await api("POST", "/api/v1/macros", {
      name: "Shipping update",
      message_content:
        "<p>Hi {{ contact.first_name }}, your parcel for #{{conversation.reference_number}} is on its way. {{agent.first_name}}</p>",
      actions: [{ type: "set_priority", value: "High" }],
    });
    await api("PUT", "/api/v1/ai/provider", { type: "openai", api_key: AI_KEY, model: "gpt-4o-mini" });
    await api("PUT", "/api/v1/ai/provider/default", { type: "openai" });

    const { seed, tenant } = app;
    const carla = await createContact(seed, tenant, { email: CUSTOMER.email, firstName: CUSTOMER.first });
    const conversation = await createConversation(seed, tenant, {
      inboxId: inbox.id,
      contactId: carla.id,
      subject: "Kettle never arrived",
      assignedUserId: me.id,
      lastMessageAt: new Date(),
    });
    const mail = await createMessage(seed, tenant, conversation.id, {
      text: "My kettle has not arrived. My husband is in copy.",
    });
    // As the mail import stores it: who else the customer wrote to (the editor's Cc comes from here).
    await app.server.database.db
      .update(messages)
      .set({ meta: { to: ["support@acme.example"], cc: ["Dan Customer <dan@example.com>"] } })
      .where(eq(messages.id, mail.id));
    uuid = conversation.uuid;
    reference = conversation.referenceNumber;
    ({ page, watch } = await app.openPage());
  }, 240_000);

  afterEach(() => {
    expect(watch.problems).toEqual([]);
    expect(watch.takeHttpErrors()).toEqual([]);
  });

  afterAll(async () => {
    await app?.close();
    await ai?.close();
  });

  it("sends rich text with an attachment and the thread's Cc to the customer's mail server, then resolves (Send & resolve)", async () => {
    await openSignedIn(app, page, `/conversations/${uuid}`);
    expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]); // not signed in yet
    await editor().waitFor();
    // Reply all: the customer's Cc is prefilled (as the bare address the API takes), the inbox's own address is not.
    await expect.poll(() => page.getByLabel("Cc", { exact: true }).inputValue()).toBe("dan@example.com");

    await editor().click();
    await page.keyboard.type("Hello Carla, ");
    await page.getByRole("button", { name: "Bold (Ctrl+B)" }).click();
    await page.keyboard.type("your kettle");
    await page.getByRole("button", { name: "Bold (Ctrl+B)" }).click();
    await page.keyboard.type(" left today.");
    await page.getByTestId("attach-input").setInputFiles({
      name: "invoice.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Invoice 1042: one blue kettle"),
    });
    const chip = page.getByTestId("attachment-chip");
    await chip.getByText("invoice.txt").waitFor();
    await chip.getByText(/\d+\sB$/).waitFor(); // uploaded: the size replaces the progress
    await screenshot(page, "editor-reply");
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId("send-options").click();
    await page.getByRole("menuitem", { name: "Send & resolve" }).click();
    await page.getByTestId("message-outgoing").getByText("left today.").waitFor();
    expect((await editorText()).trim()).toBe("");
    expect(await chip.count()).toBe(0);

    const mail = await mailTo(CUSTOMER.email, "left today.");
    const raw = decodeQuotedPrintable(mail.raw);
    expect(raw).toContain("<strong>your kettle</strong>");
    expect(raw).toMatch(/^Cc: .*dan@example\.com/im);
    expect(raw).toMatch(/filename="?invoice\.txt/);
    // Send & resolve: the status follows once the SMTP server accepted the reply.
    await waitFor("the conversation resolved", async () => {
      const c = await app.adminApi("GET", `/api/v1/conversations/${uuid}`);
      return c.status === "Resolved" ? true : undefined;
    });
  });

  it("uploads a pasted and a dropped image and sends both inline (CID parts)", async () => {
    await editor().click();
    await page.keyboard.type("Photos of the label:");
    await giveImage("paste", "pasted.png");
    await expect.poll(() => editor().locator("img").count()).toBe(1);
    await giveImage("drop", "dropped.png");
    await expect.poll(() => editor().locator("img").count()).toBe(2);
    for (const src of await editor()
      .locator("img")
      .evaluateAll((imgs) => imgs.map((i) => i.getAttribute("src") ?? "")))
      expect(src).toMatch(/\/uploads\/[0-9a-f-]{36}\?/);
    // Dropped and pasted images go into the text, not into the attachment chips.
    expect(await page.getByTestId("attachment-chip").count()).toBe(0);
    await page.getByTestId("send").click();
    const mail = await mailTo(CUSTOMER.email, "Photos of the label:");
    const raw = decodeQuotedPrintable(mail.raw);
    expect(raw.match(/src="cid:/g)?.length).toBe(2);
    expect(raw).toMatch(/Content-ID: </i);
  });

  it("applies a macro: placeholders filled in the browser, its action run by the API; the draft survives a reload", async () => {
    await page.getByTestId("macro-picker").click();
    await page.getByTestId("macro-picker").fill("ship");
    await page.getByRole("option", { name: /Shipping update/ }).click();
    await expect.poll(editorText).toBe(`Hi Carla, your parcel for #${reference} is on its way. ${agentFirstName}`);
    await waitFor("the macro's priority", async () => {
      const c = await app.adminApi("GET", `/api/v1/conversations/${uuid}`);
      return c.priority === "High" ? true : undefined;
    });

    await page.getByTestId("draft-state").getByText("Draft saved").waitFor();
    await page.reload();
    await editor().waitFor();
    await expect.poll(editorText).toBe(`Hi Carla, your parcel for #${reference} is on its way. ${agentFirstName}`);
  });

  it("rewrites the text with the workspace's AI provider", async () => {
    await page.getByTestId("ai-menu").click();
    await page.getByRole("menuitem", { name: "Make friendlier" }).click();
    // The provider on 127.0.0.1 answers deterministically: its name, the model, the text upper-cased.
    await expect
      .poll(editorText)
      .toBe(
        `[openai:gpt-4o-mini] HI CARLA, YOUR PARCEL FOR #${reference} IS ON ITS WAY. ${agentFirstName.toUpperCase()}`,
      );
    const [request] = ai.requestsTo("/chat/completions");
    expect(JSON.stringify(request!.body.messages)).toContain("your parcel for");
    await screenshot(page, "editor-ai");
  });

  it("mentions another agent in a private note, who gets a notification", async () => {
    await page.getByRole("button", { name: "Private note" }).click();
    await editor().click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Delete");
    await page.keyboard.type("Courier confirmed, @Bo");
    await page.getByTestId("mention-list").getByRole("option", { name: "Bob Builder" }).waitFor();
    await screenshot(page, "editor-mention");
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press("Enter");
    await page.keyboard.type("please call her.");
    expect(await editor().locator('[data-type="mention"]').textContent()).toBe("@Bob Builder");
    await page.getByTestId("send").click();
    await page
      .getByTestId("message-note")
      .getByText(/please call her/)
      .waitFor();

    const bob = await app.apiSession(BOB.email, BOB.password);
    const notifications = await waitFor("Bob's mention notification", async () => {
      const list = await bob("GET", "/api/v1/notifications");
      return list.results.some((n: { type: string }) => n.type === "mention") ? list.results : undefined;
    });
    const mention = notifications.find((n: { type: string }) => n.type === "mention");
    expect(mention.conversation_uuid).toBe(uuid);
    expect(mention.description).toContain("please call her.");
    expect(bobId).toBeGreaterThan(0);
  });

  it("forwards the thread's last message to another address", async () => {
    await page.getByRole("button", { name: "Forward", exact: true }).click();
    await page.getByLabel("To", { exact: true }).fill("warehouse@acme-logistics.example");
    // The customer's Cc belongs to replies: a forward starts without it.
    expect(await page.getByLabel("Cc", { exact: true }).count()).toBe(0);
    await expect.poll(editorText).toContain("Forwarded message");
    await editor().locator("p").first().click(); // the free line above the quote
    await page.keyboard.type("Please trace this parcel.");
    expect(await editor().locator("p").first().textContent()).toBe("Please trace this parcel.");
    await screenshot(page, "editor-forward");
    await page.keyboard.press("ControlOrMeta+Enter");
    const mail = await mailTo("warehouse@acme-logistics.example", "Please trace this parcel.");
    expect(decodeQuotedPrintable(mail.raw)).toMatch(/^Subject: Fwd: Kettle never arrived/im);
    expect(mail.to).not.toContain("dan@example.com");
  });

  it("works at phone width in the dark theme", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByRole("button", { name: "Private note" }).click();
    await editor().click();
    await page.keyboard.type("A note on a phone.");
    await screenshot(page, "editor-phone-dark");
    expect(await axeViolations(page)).toEqual([]);
  });
});
