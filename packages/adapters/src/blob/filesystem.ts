import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
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
    async list(prefix, { limit, after }) {
      // Only the directory the prefix points into is walked: `5/` reads `<root>/5`, never other workspaces'.
      const slash = prefix.lastIndexOf("/");
      const dir = slash < 0 ? base : resolve(base, prefix.slice(0, slash));
      if (dir !== base && !dir.startsWith(base + sep)) throw new Error(`invalid blob prefix: ${prefix}`);
      const keys = (await walk(dir))
        .map((path) => relative(base, path).split(sep).join("/"))
        .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
        .sort();
      return keys.slice(0, limit);
    },
    async deleteMany(keys) {
      const dirs = new Set<string>();
      for (const key of keys) {
        await this.delete(key);
        dirs.add(dirname(pathOf(key)));
      }
      // A workspace's directory goes with its last object (a failing rmdir only means it is not empty).
      for (const dir of dirs) if (dir !== base) await rmdir(dir).catch(() => undefined);
    },
  };
}

/** Every object file under `dir` (not the `.type` sidecars nor half-written temporary files). */
async function walk(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (!entry.name.startsWith(".") && !entry.name.endsWith(".type")) found.push(path);
  }
  return found;
}
