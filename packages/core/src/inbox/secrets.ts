import { randomBytes } from "node:crypto";
import { isNewSecret, SECRET_MASK, seal, unseal, type Keyring } from "../crypto/secret-box.ts";
import { InputError } from "../errors/index.ts";
import type { StoredSecrets } from "./email-config.ts";

export function sealSecrets(ring: Keyring, secrets: StoredSecrets): string {
  return seal(ring, JSON.stringify(secrets));
}

/**
 * The stored secrets for display decisions only: a value sealed with a key that has since left the ring
 * still counts as set (shown masked) rather than failing the whole response.
 */
export function secretsForView(ring: Keyring, sealed: string | null): StoredSecrets & { unreadable?: true } {
  if (!sealed) return {};
  try {
    return JSON.parse(unseal(ring, sealed)) as StoredSecrets;
  } catch {
    return { unreadable: true };
  }
}

/** A fresh site secret for a live-chat inbox: 256 bits, URL-safe. */
export const generateSiteSecret = () => randomBytes(32).toString("base64url");

type ServerIdentity = { host: string; username: string };

/**
 * The password of each submitted server. A new value is taken as is; an omitted, empty or masked one keeps
 * the password stored for the server at the same index, but only while that server keeps its host and
 * username: otherwise a masked form could send the stored password to another host of the caller's choosing.
 */
export function resolvePasswords(
  field: string,
  given: readonly (ServerIdentity & { password?: string | undefined })[],
  stored: readonly ServerIdentity[],
  storedPasswords: readonly string[] | undefined,
  required: (server: ServerIdentity) => boolean,
): string[] {
  return given.map((server, i) => {
    if (isNewSecret(server.password)) return server.password;
    const before = stored[i];
    const same =
      before && before.host.toLowerCase() === server.host.toLowerCase() && before.username === server.username;
    const kept = same ? (storedPasswords?.[i] ?? "") : "";
    if (!kept && required(server)) {
      const why =
        server.password === SECRET_MASK && !same
          ? "enter the password again: the host or username changed"
          : "required";
      throw new InputError(`${field}[${i}].password: ${why}`);
    }
    return kept;
  });
}
