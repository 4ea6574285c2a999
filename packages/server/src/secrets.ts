import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateKeyringSpec, parseKeyring, type Keyring } from "@helperiq/core/crypto/secret-box";

/**
 * SECRET_KEYS when configured; otherwise a key generated on first start and kept (mode 0600) beside the
 * embedded database, so sealed secrets survive restarts. Losing that file loses the stored secrets.
 */
export function loadKeyring(spec: string | undefined, dataDir: string): Keyring {
  if (spec) return parseKeyring(spec);
  const file = path.join(dataDir, "secret-keys");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${generateKeyringSpec()}\n`, { mode: 0o600, flag: "wx" });
  }
  return parseKeyring(readFileSync(file, "utf8").trim());
}
