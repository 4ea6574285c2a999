import { crc32, deflateSync } from "node:zlib";
import { flagPci } from "@helperiq/core/pci/flag";
import { messages } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, screenshot, type watchPage } from "../support/browser.ts";
import { createMessage } from "../support/factories.ts";
import { openSignedIn, startWebApp, type WebApp, waitFor } from "../support/web-app.ts";

/**
 * The conversation thread of the agent web app in Chromium, against the real API: the kinds of entries,
 * message HTML made safe, quoted-text folding, attachments (thumbnails, lightbox, downloads, inline images),
 * a failed delivery retried, and card data redacted. The conversation is seeded through the API as an agent
 * records a customer's mail (uploads attached, inline image referenced by its upload path); the card-number
 * message and the plain-text mail are stored with the factories and flagged by the PCI scanner as the mail
 * import flags them.
 */

const CARD = "4242 4242 4242 4242";
const REDACTED = "•••• •••• •••• 4242";
let app: WebApp;
let context: BrowserContext;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let conversationUuid: string;
let failedUuid: string;

/** A real PNG of `width`×`height` in two colours, so thumbnails and the lightbox have something to show. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const light = (Math.floor(x / 20) + Math.floor(y / 20)) % 2 === 0;
      row.set(light ? [r, g, b] : [255, 255, 255], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

/** POST /api/v1/media as the admin (multipart, which the JSON helper does not send). */
async function upload(bytes: Buffer, filename: string, type: string, inline = false) {
  const form = new FormData();
  form.append("file", new File([bytes], filename, { type }));
  form.append("inline", String(inline));
  return (await app.adminApi("POST", "/api/v1/media", form)) as { id: number; uuid: string; url: string };
}

/** The message as the API answers it now. */
const apiMessage = (uuid: string) => app.adminApi("GET", `/api/v1/conversations/${conversationUuid}/messages/${uuid}`);

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "web app: the conversation thread",
  { timeout: 90_000 },
  () => {
    beforeAll(async () => {
      app = await startWebApp({ adminEmail: "owner@web-thread.example", adminPassword: "web-thread-password-1" });
      const api = app.adminApi;
      const inbox = await app.createMailInbox();

      // The customer's mail, recorded by an agent through the API: a photo and a PDF attached, a chart shown
      // inline (its upload path in the HTML), a link and a remote image, and the earlier mail quoted below.
      const photo = await upload(png(320, 200, [37, 99, 235]), "broken-kettle.png", "image/png");
      const invoice = await upload(PDF, "invoice-1042.pdf", "application/pdf");
      const chart = await upload(png(240, 80, [16, 185, 129]), "tracking-chart.png", "image/png", true);
      const created = await api("POST", "/api/v1/conversations", {
        inbox_id: inbox.id,
        initiator: "contact",
        contact_email: "dana@example.com",
        first_name: "Dana",
        last_name: "Doe",
        subject: "My kettle arrived broken",
        content: [
          "<p>Hello, the kettle from order 1042 arrived with a cracked lid. Photo and invoice attached.</p>",
          `<p>The tracking page showed this: <img src="/uploads/${chart.uuid}" alt="tracking chart"></p>`,
          '<p>See <a href="https://carrier.example/track/1042">the carrier page</a>. <img src="https://tracker.example/pixel.gif" alt="pixel"></p>',
          "<div>On Mon, 30 Nov 2026 at 09:12, Acme Support &lt;support@acme.example&gt; wrote:<br></div>",
          "<blockquote><p>Your order 1042 has shipped and should arrive within three days.</p><p>Kind regards, Acme</p></blockquote>",
        ].join(""),
        attachments: [photo.id, invoice.id],
      });
      conversationUuid = created.uuid;
      const conversationId: number = created.id;

      // A plain-text mail with `>` quoted lines, and one with a card number the scanner flags.
      const { seed, tenant } = app;
      const db = app.server.database.db;
      const plain = await createMessage(seed, tenant, conversationId, { text: "placeholder" });
      await db
        .update(messages)
        .set({
          contentType: "text",
          content:
            "Any news?\n\nOn Tue, 1 Dec 2026, Dana Doe wrote:\n> Hello, the kettle arrived broken.\n> Photo attached.",
          textContent:
            "Any news? On Tue, 1 Dec 2026, Dana Doe wrote: > Hello, the kettle arrived broken. > Photo attached.",
        })
        .where(eq(messages.id, plain.id));
      const card = await createMessage(seed, tenant, conversationId, {
        text: `Please charge the replacement to my card ${CARD}, thanks.`,
      });
      expect((await flagPci(db, tenant.id, card.id)).flag).toMatchObject({ kinds: ["card_number"] });

      // A private note, an activity line, and a reply the mail server refuses for good (554).
      await api("POST", `/api/v1/conversations/${conversationUuid}/messages`, {
        message: "<p>Checked with the warehouse: a replacement lid is in stock.</p>",
        private: true,
      });
      await api("PUT", `/api/v1/conversations/${conversationUuid}/priority`, { priority: "High" });
      app.peer.failNext(1, 554);
      const reply = await api("POST", `/api/v1/conversations/${conversationUuid}/messages`, {
        message: "<p>Sorry about that, Dana. A new lid is on its way.</p>",
      });
      failedUuid = reply.uuid;
      await waitFor("the reply to fail", async () =>
        (await apiMessage(failedUuid)).status === "failed" ? true : undefined,
      );

      ({ context, page, watch } = await app.openPage());
    }, 240_000);

    afterEach(() => {
      expect(watch.problems).toEqual([]);
      expect(watch.takeHttpErrors()).toEqual([]);
    });

    afterAll(async () => {
      await context?.close();
      await app?.close();
    });

    it("shows each kind of entry distinctly, message HTML made safe, and opens at the newest message", async () => {
      await openSignedIn(app, page, `/conversations/${conversationUuid}`);
      expect(watch.takeHttpErrors()).toEqual(["401 GET /api/v1/agents/me"]);
      const incoming = page.getByTestId("message-incoming");
      await incoming.first().waitFor();
      expect(await incoming.count()).toBe(3);
      await expect.poll(() => page.getByTestId("message-outgoing").count()).toBe(1);
      expect(await page.getByTestId("message-note").count()).toBe(1);
      expect(await page.getByTestId("activity").count()).toBeGreaterThanOrEqual(1);
      // Each kind says what it is to a screen reader.
      expect(await page.getByRole("article", { name: /^Message from Dana Doe/ }).count()).toBe(3);
      expect(await page.getByRole("article", { name: /^Private note from / }).count()).toBe(1);
      expect(await page.getByRole("article", { name: /^Reply from / }).count()).toBe(1);

      // Links open in a new tab without a window.opener; the remote image is not loaded but offered as a link.
      const mail = incoming.first();
      const link = mail.getByRole("link", { name: "the carrier page" });
      expect(await link.getAttribute("target")).toBe("_blank");
      expect(await link.getAttribute("rel")).toMatch(/\bnoopener\b/);
      expect(await mail.locator('img[src^="https://tracker.example"]').count()).toBe(0);
      const remote = mail.getByRole("link", { name: "[Remote image “pixel”, not loaded]" });
      expect(await remote.getAttribute("href")).toBe("https://tracker.example/pixel.gif");

      // Opened at the newest entry, and still there once the images have grown the thread.
      const thread = page.getByRole("region", { name: "Messages" });
      await expect
        .poll(() =>
          thread.evaluate((el) =>
            [...el.querySelectorAll("img")].every((img) => img.complete)
              ? el.scrollHeight - el.scrollTop - el.clientHeight
              : -1,
          ),
        )
        .toBeLessThan(2);
      await screenshot(page, "thread-conversation");
      expect(await axeViolations(page)).toEqual([]);
    });

    it("folds the quoted earlier mail behind a toggle, in HTML and in plain text", async () => {
      const html = page.getByTestId("message-incoming").first();
      const toggle = html.getByTestId("quoted-toggle");
      const quoted = html.getByTestId("quoted-text");
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      expect(await quoted.isVisible()).toBe(false);
      // The reply itself is shown; the attribution and the quote are folded.
      expect(await html.locator(".message-html").first().textContent()).toContain("cracked lid");
      expect(await quoted.textContent()).toContain("On Mon, 30 Nov 2026");
      expect(await quoted.textContent()).toContain("should arrive within three days");
      await toggle.click();
      expect(await toggle.getAttribute("aria-expanded")).toBe("true");
      expect(await toggle.textContent()).toContain("Hide the quoted text");
      expect(await quoted.isVisible()).toBe(true);
      expect(await toggle.getAttribute("aria-controls")).toBe(await quoted.getAttribute("id"));
      await screenshot(page, "thread-quoted-open");
      // By keyboard: Enter on the focused toggle folds it again.
      await toggle.focus();
      await page.keyboard.press("Enter");
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      expect(await quoted.isVisible()).toBe(false);

      const text = page.getByTestId("message-incoming").nth(1);
      expect((await text.locator("p").first().textContent())?.trim()).toBe("Any news?");
      const textToggle = text.getByTestId("quoted-toggle");
      await textToggle.click();
      expect(await text.getByTestId("quoted-text").textContent()).toContain("> Hello, the kettle arrived broken.");
      // The message without a quote has no toggle.
      expect(await page.getByTestId("message-incoming").nth(2).getByTestId("quoted-toggle").count()).toBe(0);
    });

    it("previews attachments: inline image in place, image thumbnail with a keyboard-closable lightbox, files as download chips", async () => {
      const mail = page.getByTestId("message-incoming").first();
      // The inline chart loads in place (same origin, signed URL: the page's CSP allows it) and is not listed again.
      const inline = mail.getByRole("img", { name: "tracking chart" });
      await expect
        .poll(() => inline.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
        .toBe(240);
      expect(await inline.getAttribute("src")).toMatch(/\/uploads\/[0-9a-f-]{36}\?exp=\d+&sig=/);
      const thumbnails = mail.getByTestId("image-thumbnail");
      expect(await thumbnails.count()).toBe(1);
      expect(await mail.getByTestId("file-chip").count()).toBe(1);

      // The PDF: a chip with its name, type and size, whose link downloads the file.
      const chip = mail.getByRole("link", { name: /^invoice-1042\.pdf, \d+ B, Download$/ });
      expect(await chip.textContent()).toContain("invoice-1042.pdf");
      const href = (await chip.getAttribute("href"))!;
      expect(await chip.getAttribute("download")).toBe("invoice-1042.pdf");
      const file = await context.request.get(href);
      expect(file.status()).toBe(200);
      expect(file.headers()["content-type"]).toBe("application/pdf");
      expect(file.headers()["content-disposition"]).toMatch(/^attachment;/);
      expect(Buffer.from(await file.body()).equals(PDF)).toBe(true);

      // The photo: Enter on the thumbnail opens it large; Escape closes it and focus returns to the thumbnail.
      const thumbnail = mail.getByRole("button", { name: "Open the image broken-kettle.png" });
      await thumbnail.focus();
      await page.keyboard.press("Enter");
      const lightbox = page.getByRole("dialog", { name: "broken-kettle.png" });
      await lightbox.waitFor();
      const large = lightbox.getByRole("img", { name: "broken-kettle.png" });
      await expect
        .poll(() => large.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
        .toBe(320);
      expect(await lightbox.getByRole("link", { name: "Download" }).getAttribute("href")).toMatch(/\/uploads\//);
      await screenshot(page, "thread-lightbox");
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await lightbox.waitFor({ state: "detached" });
      expect(
        await thumbnail.evaluate(
          (el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
        ),
      ).toBe(true);
    });

    it("says why a reply was not delivered, and Retry queues it again and shows it sent once the server accepts", async () => {
      const reply = page.locator(`[data-uuid="${failedUuid}"]`);
      const failure = reply.getByTestId("delivery-failure");
      expect(await failure.textContent()).toContain("This reply was not delivered.");
      expect(await failure.textContent()).toMatch(/Reason: .*554/);
      expect(await reply.getByTestId("delivery-status").textContent()).toContain("Not delivered");
      await reply.scrollIntoViewIfNeeded();
      await screenshot(page, "thread-failed-delivery");

      const before = app.peer.received.length;
      const answer = page.waitForResponse((res) => res.url().endsWith(`/messages/${failedUuid}/retry`));
      await failure.getByRole("button", { name: "Retry" }).click();
      const retried = await (await answer).json();
      // The API queues the delivery again: the message is pending until the worker sends it.
      expect(retried.data).toMatchObject({ uuid: failedUuid, status: "pending" });
      await expect
        .poll(() => reply.getByTestId("delivery-status").textContent(), { timeout: 15_000 })
        .toContain("Sent");
      expect(await reply.getByTestId("delivery-failure").count()).toBe(0);
      expect(app.peer.received.length).toBe(before + 1);
      expect(app.peer.received.at(-1)!.to).toEqual(["dana@example.com"]);
      expect((await apiMessage(failedUuid)).status).toBe("sent");
    });

    it("warns about card data and redacts it after a confirmation", async () => {
      const flagged = page.getByTestId("message-incoming").nth(2);
      const warning = flagged.getByTestId("pci-warning");
      expect(await warning.textContent()).toContain("a card number");
      expect(await flagged.textContent()).toContain(CARD);
      await warning.scrollIntoViewIfNeeded();
      await screenshot(page, "thread-pci-warning");

      // Cancel changes nothing.
      await warning.getByRole("button", { name: "Redact" }).click();
      const dialog = page.getByRole("alertdialog", { name: "Redact the card data in this message?" });
      await dialog.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      expect(await flagged.textContent()).toContain(CARD);

      await warning.getByRole("button", { name: "Redact" }).click();
      await dialog.getByRole("button", { name: "Redact" }).click();
      await dialog.waitFor({ state: "detached" });
      await expect.poll(() => flagged.textContent()).toContain(REDACTED);
      expect(await flagged.textContent()).not.toContain(CARD);
      expect(await flagged.getByTestId("pci-warning").count()).toBe(0);
      expect(await flagged.getByTestId("pci-redacted").isVisible()).toBe(true);
      // The redaction is recorded in the thread, and the API holds the masked text.
      await expect.poll(() => page.getByTestId("activity").filter({ hasText: "redacted card data" }).count()).toBe(1);
      const uuid = (await flagged.getAttribute("data-uuid"))!;
      expect((await apiMessage(uuid)).text_content).toContain(REDACTED);
      await screenshot(page, "thread-redacted");
    });

    it("reads well at phone width in the dark theme", async () => {
      const narrow = await app.openPage({
        viewport: { width: 390, height: 844 },
        colorScheme: "dark",
        storageState: await context.storageState(),
      });
      try {
        // Signed in already (the session's cookies): the conversation opens straight away.
        await narrow.page.goto(`${app.url}/conversations/${conversationUuid}`);
        await narrow.page.getByTestId("message-incoming").first().waitFor();
        const overflow = await narrow.page.evaluate(() => {
          const root = (
            globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
          ).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        expect(overflow).toBeLessThanOrEqual(0);
        // The customer's mail with its attachments, in the dark theme.
        await narrow.page.getByTestId("attachments").first().scrollIntoViewIfNeeded();
        await screenshot(narrow.page, "thread-phone-dark");
        expect(await axeViolations(narrow.page)).toEqual([]);
        expect(narrow.watch.problems).toEqual([]);
        expect(narrow.watch.takeHttpErrors()).toEqual([]);
      } finally {
        await narrow.context.close();
      }
    });
  },
);
