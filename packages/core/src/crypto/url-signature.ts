import { createHmac, timingSafeEqual } from "node:crypto";
import { derivedKeys } from "./derive-key.ts";
import type { Keyring } from "./secret-box.ts";

/**
 * HMAC-SHA256 signatures for capability URLs, over `parts` joined unambiguously, with a subkey of the
 * keyring for `label`. Made with the current key; any key of the ring verifies (rotation).
 */
export function signParts(ring: Keyring, label: string, parts: readonly string[]): string {
  return mac(derivedKeys(ring, label).current, label, parts).toString("base64url");
}

export function verifyParts(ring: Keyring, label: string, parts: readonly string[], signature: string): boolean {
  if (!/^[A-Za-z0-9_-]{43}$/.test(signature)) return false;
  const given = Buffer.from(signature, "base64url");
  // One spelling per signature: base64url's last character has two spare bits.
  if (given.toString("base64url") !== signature) return false;
  // Every key is tried, so the time taken does not say which key (if any) matched.
  let valid = false;
  for (const key of derivedKeys(ring, label).all) valid = timingSafeEqual(mac(key, label, parts), given) || valid;
  return valid;
}

function mac(key: Buffer, label: string, parts: readonly string[]): Buffer {
  // Length-prefixed, so no two different part lists hash the same bytes.
  const hmac = createHmac("sha256", key).update(label);
  for (const part of parts) hmac.update(`\n${Buffer.byteLength(part)}:${part}`);
  return hmac.digest();
}
