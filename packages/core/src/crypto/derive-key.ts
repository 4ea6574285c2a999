import { hkdfSync } from "node:crypto";
import type { Keyring } from "./secret-box.ts";

/**
 * Purpose-bound subkeys of the keyring (HKDF-SHA256, the label as `info`): a key that signs media URLs
 * never seals secrets, and leaking one subkey reveals neither the ring key nor any other subkey.
 * Every ring key has its subkey, current first, so values made before a rotation still verify.
 */
export type DerivedKeys = { current: Buffer; all: readonly Buffer[] };

const cache = new WeakMap<Keyring, Map<string, DerivedKeys>>();

export function derivedKeys(ring: Keyring, label: string): DerivedKeys {
  let byLabel = cache.get(ring);
  if (!byLabel) cache.set(ring, (byLabel = new Map()));
  let keys = byLabel.get(label);
  if (!keys) {
    const derive = (key: Buffer) => Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), `helperiq/${label}`, 32));
    const current = derive(ring.keys.get(ring.current)!);
    const others = [...ring.keys].filter(([id]) => id !== ring.current).map(([, key]) => derive(key));
    keys = { current, all: [current, ...others] };
    byLabel.set(label, keys);
  }
  return keys;
}
