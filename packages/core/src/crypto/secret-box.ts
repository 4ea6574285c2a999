import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Encryption at rest for secrets kept in the database (IMAP/SMTP passwords, OIDC client secrets, AI keys):
 * AES-256-GCM with a key from configuration. Sealed values name their key, so keys can be rotated: new
 * writes use the current key and older values stay readable while their key is still in the ring.
 */
export type Keyring = { current: string; keys: ReadonlyMap<string, Buffer> };

const VERSION = "v1";
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses `SECRET_KEYS`: `id:base64key[,id:base64key…]`, the first one current; each key 32 bytes. */
export function parseKeyring(spec: string): Keyring {
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(":");
      const id = entry.slice(0, i);
      const key = Buffer.from(entry.slice(i + 1), "base64");
      if (i <= 0 || !KEY_ID.test(id) || key.length !== 32) {
        throw new Error("SECRET_KEYS must be id:base64(32 bytes)[,id:base64(32 bytes)…]");
      }
      return [id, key] as const;
    });
  if (entries.length === 0) throw new Error("SECRET_KEYS is empty");
  return { current: entries[0]![0], keys: new Map(entries) };
}

export function generateKeyringSpec(id = "k1"): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}

export function seal(ring: Keyring, plaintext: string): string {
  const key = ring.keys.get(ring.current)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, ring.current, iv.toString("base64url"), body.toString("base64url")].join(".");
}

export function unseal(ring: Keyring, sealed: string): string {
  const [version, id, iv, body] = sealed.split(".");
  const key = id ? ring.keys.get(id) : undefined;
  if (version !== VERSION || !key || !iv || !body) throw new Error("sealed secret has an unknown format or key");
  const raw = Buffer.from(body, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString("utf8");
}

/** What the API shows instead of a secret: that one is set, never any of it. */
export const mask = (value: string | null | undefined) => (value ? SECRET_MASK : "");

/** The one string every set secret is shown as; a form that sends it back means "keep what is stored". */
export const SECRET_MASK = "••••••••";

/** A secret the client really typed: not empty and not the mask it was shown (which keeps the stored one). */
export const isNewSecret = (value: string | null | undefined): value is string => !!value && value !== SECRET_MASK;
