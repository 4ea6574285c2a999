import { generateKeyringSpec, parseKeyring } from "@helperiq/core/crypto/secret-box";
import { deleteOrphanUploads } from "@helperiq/core/media/cleanup";
import { MAX_FILENAME_LENGTH, sanitizeFilename } from "@helperiq/core/media/filename";
import { storeMedia } from "@helperiq/core/media/store";
import { ORPHAN_UPLOAD_TTL_HOURS } from "@helperiq/core/media/upload";
import { signMediaPath, verifyMediaSignature } from "@helperiq/core/media/url";
import { media } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, type Reply, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createTenant,
  TEST_PASSWORD,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
const HTML = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>alert(1)</script></svg>');
const XML_SVG = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
);

const WRITER = ["conversations:read_all", "conversations:write", "messages:read", "messages:write"] as const;

function upload(
  client: Client,
  bytes: Uint8Array,
  filename: string,
  type: string,
  fields: Record<string, string> = {},
): Promise<Reply> {
  const form = new FormData();
  form.append("file", new File([bytes], filename, { type }));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return client.request("POST", "/api/v1/media", form);
}

/** A GET as a browser would send it for `url` (its host picks the workspace), with raw bytes back. */
async function fetchUrl(t: TestApp, url: string, headers: Record<string, string> = {}): Promise<Response> {
  return t.app.request(url, { headers: { host: new URL(url).host, ...headers } });
}

const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());
const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let writer: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  writer = await createAgent(t, a, { permissions: [...WRITER] });
});
afterAll(() => t.close());

describe("POST /api/v1/media", () => {
  it("stores an image and answers its id, uuid, name, sniffed type, size, signed url and inline flag", async () => {
    const res = await upload(writer.client, PNG, "pixel.png", "image/png", { inline: "true" });
    expect(res.status).toBe(201);
    const data = res.body.data;
    expect(Object.keys(data)).toEqual(["id", "uuid", "filename", "content_type", "size", "url", "inline"]);
    expect(data).toMatchObject({ filename: "pixel.png", content_type: "image/png", size: PNG.length, inline: true });
    expect(data.url).toMatch(new RegExp(`^http://${a.host}/uploads/${data.uuid}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));
    const [row] = await t.database.db.select().from(media).where(eq(media.uuid, data.uuid));
    expect(row).toMatchObject({
      id: data.id,
      tenantId: a.id,
      uploadedBy: writer.id,
      messageId: null,
      storageKey: `${a.id}/${data.uuid}`,
    });
    expect(row!.expiresAt!.getTime()).toBe(t.clock.now().getTime() + ORPHAN_UPLOAD_TTL_HOURS * 3600_000);
    expect(Buffer.from((await t.blobs.get(row!.storageKey))!.body)).toEqual(PNG);
  });

  it("stores a PDF and a text file with their types", async () => {
    const pdf = await upload(writer.client, PDF, "invoice.pdf", "application/pdf");
    expect(pdf.status).toBe(201);
    expect(pdf.body.data).toMatchObject({
      filename: "invoice.pdf",
      content_type: "application/pdf",
      size: PDF.length,
      inline: false,
    });
    const csv = await upload(writer.client, Buffer.from("id,name\n1,Ada\n"), "people.csv", "text/csv");
    expect(csv.body.data).toMatchObject({ filename: "people.csv", content_type: "text/csv", inline: false });
    const plain = await upload(writer.client, Buffer.from("héllo\n"), "notes.txt", "text/plain; charset=UTF-8");
    expect(plain.body.data.content_type).toBe("text/plain; charset=utf-8");
  });

  it("believes the bytes, not the declared type", async () => {
    const png = await upload(writer.client, PNG, "scan.pdf", "application/pdf");
    expect(png.body.data.content_type).toBe("image/png");
    // Declared an image, holds HTML: stored (and served) as plain text.
    const html = await upload(writer.client, HTML, "cat.png", "image/png");
    expect(html.body.data.content_type).toBe("text/plain");
    const binary = await upload(writer.client, Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]), "x.csv", "text/csv");
    expect(binary.body.data.content_type).toBe("application/octet-stream");
    // A declared HTML page is text and kept as such; it is served as an attachment below.
    const page = await upload(writer.client, HTML, "page.html", "text/html");
    expect(page.body.data.content_type).toBe("text/html");
    const svg = await upload(writer.client, SVG, "logo.svg", "image/svg+xml");
    expect(svg.body.data.content_type).toBe("image/svg+xml");
    const xmlSvg = await upload(writer.client, XML_SVG, "logo2.svg", "image/svg+xml");
    expect(xmlSvg.body.data.content_type).toBe("image/svg+xml");
  });

  it("sanitises the filename", async () => {
    const cases: Array<[string, string]> = [
      // No extension left: the sniffed one is added.
      ["../../etc/passwd", "passwd.pdf"],
      ["C:\\Users\\eve\\report.pdf", "report.pdf"],
      ["in\u202Efdp.exe", "infdp.exe"],
      ["con.pdf", "_con.pdf"],
      [".htaccess", "htaccess.pdf"],
    ];
    for (const [given, stored] of cases) {
      const res = await upload(writer.client, PDF, given, "application/pdf");
      expect(res.status, given).toBe(201);
      expect(res.body.data.filename, given).toBe(stored);
    }
    const unnamed = await upload(writer.client, PNG, "scan", "image/png");
    expect(unnamed.body.data.filename).toBe("scan.png");
  });

  it("refuses inline for what is not a displayable image, naming the field", async () => {
    for (const [bytes, name, type] of [
      [PDF, "a.pdf", "application/pdf"],
      [SVG, "a.svg", "image/svg+xml"],
      [HTML, "a.png", "image/png"],
    ] as const) {
      const res = await upload(writer.client, bytes, name, type, { inline: "true" });
      expect(res.status, name).toBe(400);
      expect(res.body.data.message).toMatch(/^inline:/);
    }
    const bad = await upload(writer.client, PNG, "a.png", "image/png", { inline: "maybe" });
    expect(bad.status).toBe(400);
    expect(bad.body.data.message).toMatch(/^inline:/);
  });

  it("refuses a missing, empty or non-multipart file, naming `file`", async () => {
    const form = new FormData();
    form.append("inline", "false");
    for (const res of [
      await writer.client.request("POST", "/api/v1/media", form),
      await upload(writer.client, new Uint8Array(0), "empty.txt", "text/plain"),
      await writer.client.post("/api/v1/media", { file: "not a file" }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.data.type).toBe("InputError");
      expect(res.body.data.message).toMatch(/^file:/);
    }
  });

  it("refuses files over the default 25 MB limit with 400 naming `file`, storing nothing", async () => {
    const before = await t.database.db.select({ id: media.id }).from(media);
    const res = await upload(
      writer.client,
      new Uint8Array(25 * 1024 * 1024 + 1),
      "huge.bin",
      "application/octet-stream",
    );
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^file: larger than/);
    expect(await t.database.db.select({ id: media.id }).from(media)).toHaveLength(before.length);
  });

  it("needs an identity (401), and the CSRF token with a session cookie (403)", async () => {
    const anonymous = await upload(a.anonymous, PNG, "a.png", "image/png");
    expect(anonymous.status).toBe(401);
    const session = await a.anonymous.login(writer.email, TEST_PASSWORD);
    expect((await upload(session.with({ cookies: session.creds.cookies! }), PNG, "a.png", "image/png")).status).toBe(
      403,
    );
    expect((await upload(session, PNG, "a.png", "image/png")).status).toBe(201);
    // Another workspace's key is no identity on this host.
    expect((await upload(b.admin.onHost(a.host), PNG, "a.png", "image/png")).status).toBe(401);
  });

  it("lets any agent upload, whatever their permissions", async () => {
    const bare = await createAgent(t, a, { permissions: [] });
    expect((await upload(bare.client, PNG, "a.png", "image/png")).status).toBe(201);
  });
});

describe("POST /api/v1/media with a configured limit", () => {
  let small: TestApp;
  let s: TestTenant;

  beforeAll(async () => {
    small = await bootTestApp({ media: { maxBytes: 1024 } });
    s = await createTenant(small);
  });
  afterAll(() => small.close());

  it("takes a file of exactly the limit and refuses one byte more", async () => {
    const fits = await upload(s.admin, new Uint8Array(1024).fill(65), "a.txt", "text/plain");
    expect(fits.status).toBe(201);
    const over = await upload(s.admin, new Uint8Array(1025).fill(65), "b.txt", "text/plain");
    expect(over.status).toBe(400);
    expect(over.body.data.message).toBe("file: larger than the limit of 1 KB");
  });

  it("stops a streamed body without Content-Length once it passes the limit", async () => {
    const form = new FormData();
    form.append("file", new File([new Uint8Array(200_000)], "stream.bin"));
    const encoded = new Response(form);
    const res = await small.app.request(`http://${s.host}/api/v1/media`, {
      method: "POST",
      headers: {
        host: s.host,
        authorization: `Bearer ${s.admin.creds.bearer}`,
        "content-type": encoded.headers.get("content-type")!,
      },
      body: encoded.body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).data.message).toMatch(/^file: larger than/);
  });
});

describe("GET /uploads/:uuid with a signed URL", () => {
  it("serves an image inline, without credentials, with safe headers", async () => {
    const { url } = (await upload(writer.client, PNG, "pixel.png", "image/png")).body.data;
    const res = await fetchUrl(t, url);
    expect(res.status).toBe(200);
    expect(await bytesOf(res)).toEqual(PNG);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-length")).toBe(String(PNG.length));
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="pixel.png"; filename*=UTF-8''pixel.png`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    const maxAge = Number(/private, max-age=(\d+), immutable/.exec(res.headers.get("cache-control")!)![1]);
    expect(maxAge).toBeGreaterThan(23 * 3600);
    expect(maxAge).toBeLessThanOrEqual(24 * 3600);
  });

  it("serves everything but raster images as an attachment: PDF, text, HTML, SVG", async () => {
    const cases = [
      [PDF, "invoice.pdf", "application/pdf", "application/pdf"],
      [HTML, "page.html", "text/html", "text/html"],
      [HTML, "cat.png", "image/png", "text/plain"],
      [SVG, "logo.svg", "image/svg+xml", "image/svg+xml"],
    ] as const;
    for (const [bytes, name, declared, served] of cases) {
      const { url } = (await upload(writer.client, bytes, name, declared)).body.data;
      const res = await fetchUrl(t, url);
      expect(res.status, name).toBe(200);
      expect(res.headers.get("content-type"), name).toBe(served);
      expect(res.headers.get("content-disposition"), name).toBe(
        `attachment; filename="${name}"; filename*=UTF-8''${name}`,
      );
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
      expect(await bytesOf(res)).toEqual(Buffer.from(bytes));
    }
  });

  it("names non-ASCII files both ways (RFC 6266)", async () => {
    const { url } = (await upload(writer.client, PDF, "résumé «final».pdf", "application/pdf")).body.data;
    const res = await fetchUrl(t, url);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="resume _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%C2%ABfinal%C2%BB.pdf`,
    );
  });

  it("is 404 with a tampered signature, another uuid, a moved expiry, or on another workspace's host", async () => {
    const first = (await upload(writer.client, PNG, "a.png", "image/png")).body.data;
    const second = (await upload(writer.client, PNG, "b.png", "image/png")).body.data;
    const u = new URL(first.url);
    const sig = u.searchParams.get("sig")!;
    const exp = u.searchParams.get("exp")!;
    const at = (query: string, host = a.host, uuid = first.uuid as string) =>
      fetchUrl(t, `http://${host}/uploads/${uuid}?${query}`);
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    const attempts = [
      await at(`exp=${exp}&sig=${flipped}`),
      await at(`exp=${exp}&sig=${sig}`, a.host, second.uuid),
      await at(`exp=${Number(exp) + 3600}&sig=${sig}`),
      await at(`exp=${exp}`),
      await at(`sig=${sig}`),
      await at(""),
      await at(`exp=${exp}&sig=${sig}`, b.host),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(((await res.json()) as any).data.type).toBe("NotFoundError");
    }
    expect((await at(`exp=${exp}&sig=${sig}`)).status).toBe(200);
    expect((await fetchUrl(t, `http://${a.host}/uploads/not-a-uuid`)).status).toBe(404);
  });

  it("is 404 once expired", async () => {
    const short = await bootTestApp({ media: { urlTtlSeconds: 120 } }, t.database);
    const { url } = (await upload(a.admin, PNG, "a.png", "image/png")).body.data;
    // Signed by `short`'s app, with its own keyring and clock (same database).
    const own = await upload(new Client(short, a.host, a.admin.creds), PNG, "a.png", "image/png");
    const exp = Number(new URL(own.body.data.url).searchParams.get("exp"));
    const now = Math.floor(short.clock.now().getTime() / 1000);
    expect(exp - now).toBeGreaterThanOrEqual(120);
    expect(exp - now).toBeLessThanOrEqual(125);
    expect((await fetchUrl(short, own.body.data.url)).status).toBe(200);
    // A URL made with another keyring (t's) means nothing to this app.
    expect((await fetchUrl(short, url)).status).toBe(404);
    short.clock.advance((exp - now) * 1000 - 1000);
    expect((await fetchUrl(short, own.body.data.url)).status).toBe(200);
    short.clock.advance(1000);
    expect((await fetchUrl(short, own.body.data.url)).status).toBe(404);
    await short.queue.drain();
  });

  it("is cacheable per signed URL: the same URL for a while, and 304 for the same ETag", async () => {
    const { uuid, url } = (await upload(writer.client, PNG, "a.png", "image/png")).body.data;
    const etag = (await fetchUrl(t, url)).headers.get("etag");
    expect(etag).toBe(`"${uuid}"`);
    const again = await fetchUrl(t, url, { "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });
});

describe("GET /uploads/:uuid with credentials", () => {
  let reader: TestAgent;
  let assignedOnly: TestAgent;
  let noMessages: TestAgent;

  beforeAll(async () => {
    reader = await createAgent(t, a, { permissions: ["conversations:read_unassigned", "messages:read"] });
    assignedOnly = await createAgent(t, a, { permissions: ["conversations:read_assigned", "messages:read"] });
    noMessages = await createAgent(t, a, { permissions: ["conversations:read_all"] });
  });

  const plain = (client: Client, uuid: string) => client.get(`/uploads/${uuid}`);

  it("shows an unattached upload to its uploader only (API key or session)", async () => {
    const { uuid } = (await upload(writer.client, PDF, "draft.pdf", "application/pdf")).body.data;
    const mine = await plain(writer.client, uuid);
    expect(mine.status).toBe(200);
    expect(mine.headers.get("cache-control")).toBe("private, no-cache");
    expect(mine.headers.get("content-disposition")).toMatch(/^attachment;/);
    const session = await a.anonymous.login(writer.email, TEST_PASSWORD);
    expect((await plain(session, uuid)).status).toBe(200);
    for (const other of [a.admin, reader.client, noMessages.client, a.anonymous]) {
      const res = await plain(other, uuid);
      expect(res.status).toBe(404);
      expect(res.body.data.type).toBe("NotFoundError");
    }
  });

  it("shows an attached file to whoever reads that conversation's messages; a bad signature falls back to credentials", async () => {
    const conversation = await createConversation(t, a, { subject: "with a file" });
    const { uuid } = (await upload(writer.client, PNG, "shot.png", "image/png")).body.data;
    const sent = await writer.client.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
      message: "see attached",
      private: true,
      attachments: [{ media_uuid: uuid }],
    });
    expect(sent.status).toBe(201);
    for (const client of [writer.client, a.admin, reader.client]) expect((await plain(client, uuid)).status).toBe(200);
    // Not visible (assigned-only), or visible without messages:read.
    for (const client of [assignedOnly.client, noMessages.client]) expect((await plain(client, uuid)).status).toBe(404);
    const readerSession = await a.anonymous.login(reader.email, TEST_PASSWORD);
    expect((await readerSession.get(`/uploads/${uuid}?exp=1&sig=${"A".repeat(43)}`)).status).toBe(200);
    expect((await a.anonymous.get(`/uploads/${uuid}?exp=1&sig=${"A".repeat(43)}`)).status).toBe(404);
  });

  it("serves an inline image of a sent message's HTML to the agents who see the message (session cookie)", async () => {
    const conversation = await createConversation(t, a, { subject: "inline image" });
    const { uuid } = (await upload(writer.client, PNG, "paste.png", "image/png", { inline: "true" })).body.data;
    const sent = await writer.client.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
      message: `<p>Look:</p><p><img src="/uploads/${uuid}" alt="paste"></p>`,
      private: true,
    });
    expect(sent.status).toBe(201);
    expect(sent.body.data.content).toContain(`/uploads/${uuid}`);
    const session = await a.anonymous.login(reader.email, TEST_PASSWORD);
    const res = await fetchUrl(t, `http://${a.host}/uploads/${uuid}`, {
      cookie: Object.entries(session.creds.cookies!)
        .map(([k, v]) => `${k}=${v}`)
        .join("; "),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^inline;/);
    expect(await bytesOf(res)).toEqual(PNG);
  });

  it("serves nothing of another workspace, with its own credentials or A's", async () => {
    const { uuid, url } = (await upload(writer.client, PNG, "a.png", "image/png")).body.data;
    expect((await plain(b.admin, uuid)).status).toBe(404);
    expect((await plain(writer.client.onHost(b.host), uuid)).status).toBe(404);
    expect(
      (await fetchUrl(t, url.replace(a.host, b.host), { authorization: `Bearer ${b.admin.creds.bearer}` })).status,
    ).toBe(404);
  });
});

describe("attachments of messages", () => {
  it("lists a sent upload with a signed url that serves it without credentials", async () => {
    const conversation = await createConversation(t, a, { subject: "attachments" });
    const { uuid } = (await upload(writer.client, PDF, "quote.pdf", "application/pdf")).body.data;
    const sent = await writer.client.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
      message: "<p>Here you go</p>",
      private: true,
      attachments: [{ media_uuid: uuid }],
    });
    expect(sent.status).toBe(201);
    const list = await writer.client.get(`/api/v1/conversations/${conversation.uuid}/messages`);
    const [attachment] = list.body.data.results[0].attachments;
    expect(attachment).toMatchObject({
      uuid,
      filename: "quote.pdf",
      content_type: "application/pdf",
      size: PDF.length,
    });
    expect(attachment.url).toMatch(new RegExp(`^http://${a.host}/uploads/${uuid}\\?exp=\\d+&sig=`));
    const res = await fetchUrl(t, attachment.url);
    expect(res.status).toBe(200);
    expect(await bytesOf(res)).toEqual(PDF);
    // Attached, it is no orphan: the cleanup leaves it.
    const [row] = await t.database.db.select().from(media).where(eq(media.uuid, uuid));
    expect(row!.messageId).not.toBeNull();
    expect(pathOf(attachment.url)).toMatch(/^\/uploads\//);
  });
});

describe("orphan uploads", () => {
  let own: TestApp;
  let o: TestTenant;

  beforeAll(async () => {
    own = await bootTestApp();
    o = await createTenant(own);
  });
  afterAll(() => own.close());

  it(`are deleted, row and bytes, ${ORPHAN_UPLOAD_TTL_HOURS} h after upload unless a message holds them`, async () => {
    const agent = await createAgent(own, o, { permissions: [...WRITER] });
    const conversation = await createConversation(own, o);
    const orphan = (await upload(agent.client, PNG, "orphan.png", "image/png")).body.data;
    const kept = (await upload(agent.client, PDF, "kept.pdf", "application/pdf")).body.data;
    await agent.client.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
      private: true,
      attachments: [{ media_uuid: kept.uuid }],
    });
    // Imported mail's media has no deadline.
    const imported = await storeMedia(own.database.db, own.blobs, {
      tenantId: o.id,
      filename: "in.pdf",
      contentType: "application/pdf",
      bytes: PDF,
    });

    own.clock.advance(ORPHAN_UPLOAD_TTL_HOURS * 3600_000 - 1000);
    expect(await deleteOrphanUploads(own.database.db, own.blobs, own.clock.now())).toEqual({
      deleted: 0,
      blobFailures: 0,
    });
    own.clock.advance(1000);
    const late = (await upload(agent.client, PNG, "late.png", "image/png")).body.data;
    expect(await deleteOrphanUploads(own.database.db, own.blobs, own.clock.now())).toEqual({
      deleted: 1,
      blobFailures: 0,
    });

    const uuids = (await own.database.db.select({ uuid: media.uuid }).from(media).where(eq(media.tenantId, o.id))).map(
      (r) => r.uuid,
    );
    expect(uuids.sort()).toEqual([kept.uuid, imported.uuid, late.uuid].sort());
    expect(await own.blobs.get(`${o.id}/${orphan.uuid}`)).toBeUndefined();
    expect(await own.blobs.get(`${o.id}/${kept.uuid}`)).toBeDefined();
    expect((await fetchUrl(own, orphan.url)).status).toBe(404);
    // Too late to attach it now.
    const attach = await agent.client.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
      private: true,
      attachments: [{ media_uuid: orphan.uuid }],
    });
    expect(attach.status).toBe(400);
    expect(attach.body.data.message).toMatch(/^attachments\[0\]\.media_uuid:/);
  });

  it("works through the backlog in bounded batches", async () => {
    const agent = await createAgent(own, o, { permissions: [...WRITER] });
    for (let i = 0; i < 5; i++) await upload(agent.client, PNG, `n${i}.png`, "image/png");
    own.clock.advance(ORPHAN_UPLOAD_TTL_HOURS * 3600_000);
    const now = own.clock.now();
    expect(await deleteOrphanUploads(own.database.db, own.blobs, now, { batchSize: 2, maxBatches: 2 })).toEqual({
      deleted: 4,
      blobFailures: 0,
    });
    expect(await deleteOrphanUploads(own.database.db, own.blobs, now, { batchSize: 2, maxBatches: 2 })).toEqual({
      deleted: 2,
      blobFailures: 0,
    });
    expect(await deleteOrphanUploads(own.database.db, own.blobs, now, { batchSize: 2, maxBatches: 2 })).toEqual({
      deleted: 0,
      blobFailures: 0,
    });
  });
});

describe("storeMedia (every path bytes come in by, e.g. imported mail)", () => {
  it("sanitises the name and sniffs the type", async () => {
    const stored = await storeMedia(t.database.db, t.blobs, {
      tenantId: a.id,
      filename: "..\\..\\x/ev\u0000il.png",
      contentType: "image/png",
      bytes: HTML,
    });
    expect(stored).toMatchObject({ filename: "evil.png", contentType: "text/plain", size: HTML.length });
    expect((await t.blobs.get(`${a.id}/${stored.uuid}`))!.contentType).toBe("text/plain");
  });
});

describe("sanitizeFilename", () => {
  it.each([
    ["report.pdf", "report.pdf"],
    ["../../etc/passwd", "passwd"],
    ["..\\..\\boot.ini", "boot.ini"],
    ["dir/", "file"],
    ["a\u0000b\u0007c\u007f.txt", "abc.txt"],
    ["photo\u202Egnp.exe", "photognp.exe"],
    ["zero\u200Bwidth.txt", "zerowidth.txt"],
    ['a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"],
    ["CON", "_CON"],
    ["nul.tar.gz", "_nul.tar.gz"],
    ["com1.txt", "_com1.txt"],
    ["console.txt", "console.txt"],
    ["...", "file"],
    [".env", "env"],
    ["name. . .", "name"],
    ["  spaced   out  .pdf", "spaced out.pdf"],
    ["résumé.pdf", "résumé.pdf"],
    ["archive.tar.gz", "archive.tar.gz"],
    ["weird.ext!", "weird.ext!"],
    ["", "file"],
  ])("%j → %j", (given, expected) => {
    expect(sanitizeFilename(given)).toBe(expected);
    expect(sanitizeFilename(expected)).toBe(expected);
  });

  it("adds a sniffed extension only when there is none", () => {
    expect(sanitizeFilename("scan", "png")).toBe("scan.png");
    expect(sanitizeFilename("scan.jpeg", "jpg")).toBe("scan.jpeg");
    expect(sanitizeFilename("", "pdf")).toBe("file.pdf");
  });

  it(`caps the length at ${MAX_FILENAME_LENGTH} characters, keeping the extension and whole characters`, () => {
    const long = sanitizeFilename(`${"é".repeat(150)}${"😀".repeat(150)}.pdf`);
    expect([...long]).toHaveLength(MAX_FILENAME_LENGTH);
    expect(long.endsWith("😀.pdf")).toBe(true);
    expect(sanitizeFilename(`${"a".repeat(300)}`)).toBe("a".repeat(MAX_FILENAME_LENGTH));
  });
});

describe("media URL signatures", () => {
  const now = new Date("2030-01-01T00:00:00Z");
  const uuid = "3f1c1b8e-5d2a-4c55-9a6e-0a1b2c3d4e5f";

  it("verify with any key of the ring after a rotation, and not once the old key is dropped", () => {
    const oldSpec = generateKeyringSpec("k1");
    const newSpec = generateKeyringSpec("k2");
    const before = parseKeyring(oldSpec);
    const rotated = parseKeyring(`${newSpec},${oldSpec}`);
    const dropped = parseKeyring(newSpec);
    const signed = new URL(`http://x${signMediaPath(before, 7, uuid, now, 3600).path}`);
    const [exp, sig] = [signed.searchParams.get("exp")!, signed.searchParams.get("sig")!];
    expect(verifyMediaSignature(before, 7, uuid, exp, sig, now)).toBe(true);
    expect(verifyMediaSignature(rotated, 7, uuid, exp, sig, now)).toBe(true);
    expect(verifyMediaSignature(dropped, 7, uuid, exp, sig, now)).toBe(false);
    // New URLs are signed with the new current key.
    const fresh = new URL(`http://x${signMediaPath(rotated, 7, uuid, now, 3600).path}`);
    expect(
      verifyMediaSignature(dropped, 7, uuid, fresh.searchParams.get("exp")!, fresh.searchParams.get("sig")!, now),
    ).toBe(true);
  });

  it("bind the workspace and the uuid", () => {
    const ring = parseKeyring(generateKeyringSpec());
    const signed = new URL(`http://x${signMediaPath(ring, 7, uuid, now, 3600).path}`);
    const [exp, sig] = [signed.searchParams.get("exp")!, signed.searchParams.get("sig")!];
    expect(verifyMediaSignature(ring, 8, uuid, exp, sig, now)).toBe(false);
    expect(verifyMediaSignature(ring, 7, uuid.replace("3f", "4f"), exp, sig, now)).toBe(false);
    expect(verifyMediaSignature(ring, 7, uuid, exp, sig, new Date(Number(exp) * 1000))).toBe(false);
  });
});
