import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { createS3BlobStore } from "@helperiq/adapters/blob/s3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteOrphanUploads } from "@helperiq/core/media/cleanup";
import { ORPHAN_UPLOAD_TTL_HOURS } from "@helperiq/core/media/upload";
import type { BlobStore } from "@helperiq/core/port/blob-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestTenant } from "../support/factories.ts";
import { startLocalS3, type LocalS3 } from "../support/s3.ts";

/** The S3 BlobStore against s3rver (an S3-compatible server on loopback), and the API serving media from it. */

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

let s3: LocalS3;
let store: BlobStore;
const s3Store = () => store;
const fsStore = () => createFilesystemBlobStore(mkdtempSync(join(tmpdir(), "hq-blob-list-")));

beforeAll(async () => {
  s3 = await startLocalS3();
  store = createS3BlobStore({ bucket: s3.bucket, client: s3.client });
});
afterAll(() => s3?.close());

describe("createS3BlobStore", () => {
  it("puts and gets bytes with their content type", async () => {
    await store.put("1/a", PDF, "application/pdf");
    const got = await store.get("1/a");
    expect(Buffer.from(got!.body)).toEqual(PDF);
    expect(got!.contentType).toBe("application/pdf");
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: "1/a" }));
    expect(head.ContentLength).toBe(PDF.length);
  });

  it("answers undefined for a missing key, and deletes idempotently", async () => {
    expect(await store.get("1/missing")).toBeUndefined();
    await store.put("1/b", PNG, "image/png");
    await store.delete("1/b");
    expect(await store.get("1/b")).toBeUndefined();
    await expect(store.delete("1/b")).resolves.toBeUndefined();
  });

  it("lists a prefix in pages and deletes a page at once (a workspace's purge), nothing outside it", async () => {
    for (const store of [s3Store(), fsStore()]) {
      const keys = Array.from({ length: 7 }, (_, i) => `71/k${i}`);
      for (const key of [...keys, "7/x", "710/y", "exports/71-z.zip"]) await store.put(key, PNG, "image/png");
      const first = await store.list("71/", { limit: 4 });
      expect(first).toEqual(keys.slice(0, 4));
      expect(await store.list("71/", { limit: 4, after: first.at(-1) })).toEqual(keys.slice(4));
      await store.deleteMany(first);
      expect(await store.list("71/", { limit: 100 })).toEqual(keys.slice(4));
      await store.deleteMany(keys.slice(4));
      await store.deleteMany(keys.slice(4));
      expect(await store.list("71/", { limit: 100 })).toEqual([]);
      for (const key of ["7/x", "710/y", "exports/71-z.zip"]) expect(await store.get(key)).toBeDefined();
    }
  });

  it("presigns GET URLs that serve the object with the disposition asked for", async () => {
    await store.put("1/c", PDF, "application/pdf");
    const url = await store.presignedGetUrl!("1/c", {
      expiresInSeconds: 60,
      filename: "quote é.pdf",
      attachment: true,
    });
    expect(url).toMatch(new RegExp(`^${s3.endpoint}/${s3.bucket}/1/c\\?`));
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("60");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PDF);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="quote e.pdf"; filename*=UTF-8''quote%20%C3%A9.pdf`,
    );
    const inline = await fetch(
      await store.presignedGetUrl!("1/c", { expiresInSeconds: 60, filename: "x.png", attachment: false }),
    );
    expect(inline.headers.get("content-disposition")).toMatch(/^inline; /);
  });

  it("presigns URLs that stop working when they expire", async () => {
    await store.put("1/d", PNG, "image/png");
    const url = await store.presignedGetUrl!("1/d", { expiresInSeconds: 1, filename: "d.png", attachment: false });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetch(url)).status).toBe(403);
  });
});

describe("the media API in S3 mode", () => {
  let t: TestApp;
  let a: TestTenant;
  let uploader: Client;

  beforeAll(async () => {
    t = await bootTestApp({}, undefined, undefined, store);
    a = await createTenant(t);
    uploader = (await createAgent(t, a, { permissions: [] })).client;
  });
  afterAll(() => t?.close());

  const upload = (bytes: Uint8Array, filename: string, type: string) => {
    const form = new FormData();
    form.append("file", new File([bytes], filename, { type }));
    return uploader.request("POST", "/api/v1/media", form);
  };
  const get = (url: string, headers: Record<string, string> = {}) =>
    Promise.resolve(t.app.request(url, { headers: { host: new URL(url).host, ...headers } }));

  it("stores uploads in the bucket under the workspace's prefix, with the sniffed type", async () => {
    const { uuid, content_type } = (await upload(PNG, "pixel.png", "application/pdf")).body.data;
    expect(content_type).toBe("image/png");
    const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${a.id}/${uuid}` }));
    expect(object.ContentType).toBe("image/png");
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(PNG);
  });

  it("redirects a signed URL to a presigned S3 URL that serves the file with its disposition", async () => {
    const pdf = (await upload(PDF, "invoice.pdf", "application/pdf")).body.data;
    // The upload's url is the app's own signed URL, not S3's.
    expect(pdf.url).toMatch(new RegExp(`^http://${a.host}/uploads/${pdf.uuid}\\?exp=`));
    const res = await get(pdf.url);
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const location = res.headers.get("location")!;
    expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/${a.id}/${pdf.uuid}?`)).toBe(true);
    const followed = await fetch(location);
    expect(followed.status).toBe(200);
    expect(Buffer.from(await followed.arrayBuffer())).toEqual(PDF);
    expect(followed.headers.get("content-disposition")).toBe(
      `attachment; filename="invoice.pdf"; filename*=UTF-8''invoice.pdf`,
    );

    const png = (await upload(PNG, "pixel.png", "image/png")).body.data;
    const image = await fetch((await get(png.url)).headers.get("location")!);
    expect(image.headers.get("content-disposition")).toMatch(/^inline; filename="pixel.png"/);
    expect(image.headers.get("content-type")).toBe("image/png");
  });

  it("makes the same checks before redirecting: 404 without a valid signature or credentials", async () => {
    const { uuid, url } = (await upload(PDF, "x.pdf", "application/pdf")).body.data;
    const tampered = url.replace(/sig=./, (m: string) => (m.endsWith("A") ? "sig=B" : "sig=A"));
    const refused = await get(tampered);
    expect(refused.status).toBe(404);
    expect(refused.headers.get("location")).toBeNull();
    expect((await get(`http://${a.host}/uploads/${uuid}`)).status).toBe(404);
    expect(
      (await get(`http://${a.host}/uploads/${uuid}`, { authorization: `Bearer ${uploader.creds.bearer}` })).status,
    ).toBe(302);
    expect((await a.admin.get(`/uploads/${uuid}`)).status).toBe(404);
  });

  it("deletes orphans from the bucket", async () => {
    const { uuid } = (await upload(PNG, "orphan.png", "image/png")).body.data;
    t.clock.advance(ORPHAN_UPLOAD_TTL_HOURS * 3600_000);
    const { deleted, blobFailures } = await deleteOrphanUploads(t.database.db, store, t.clock.now());
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(blobFailures).toBe(0);
    expect(await store.get(`${a.id}/${uuid}`)).toBeUndefined();
  });
});
