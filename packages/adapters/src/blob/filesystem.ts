import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { randomUUID } from "node:crypto";
import type { BlobStore } from "@helperiq/core/port/blob-store";

const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/**
 * The embedded BlobStore: one file per key under `root`, with its content type in a `.type` sidecar.
 * Writes go to a temporary file renamed into place, so a reader never sees half an object.
 */
export function createFilesystemBlobStore(root: string): BlobStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    // Keys come from the media domain, but a key that escapes the root is refused whatever its origin.
    if (!KEY.test(key) || key.includes("..") || !path.startsWith(base + sep))
      throw new Error(`invalid blob key: ${key}`);
    return path;
  };
  return {
    async put(key, body, contentType) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = join(dirname(path), `.${randomUUID()}.tmp`);
      await writeFile(tmp, body);
      await writeFile(`${path}.type`, contentType);
      await rename(tmp, path);
    },
    async get(key) {
      const path = pathOf(key);
      try {
        const [body, contentType] = await Promise.all([
          readFile(path),
          readFile(`${path}.type`, "utf8").catch(() => "application/octet-stream"),
        ]);
        return { body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), contentType };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      await rm(`${path}.type`, { force: true });
    },
  };
}
