import { isNewSecret, mask, seal, unseal, type Keyring } from "../crypto/secret-box.ts";
import { InputError } from "../errors/index.ts";
import { checkReachableUrl } from "../outbound/checks.ts";
import type { Db } from "../port/database.ts";
import type { EcommerceConnection } from "../port/ecommerce.ts";
import type { Outbound } from "../port/outbound.ts";
import { getSetting, mergeSetting } from "../setting/index.ts";

export const ECOMMERCE_PROVIDERS = ["maho"] as const;
export const ECOMMERCE_TIMEOUT_MS = { min: 500, max: 30_000, default: 5000 } as const;
export const RECENT_ORDERS_LIMIT = { min: 1, max: 20, default: 5 } as const;

/** A workspace's store connection, as stored: the secret sealed with the keyring. */
export type EcommerceSettings = {
  enabled: boolean;
  /** Only "maho" (Maho Commerce / Magento 1 REST) for now; kept so other stores can be added. */
  provider: (typeof ECOMMERCE_PROVIDERS)[number];
  /** The store's URL, e.g. "https://shop.example.com" (the API lives under /api/rest/v2). */
  base_url: string;
  client_id: string;
  client_secret: string;
  /** Budget of each request to the store. */
  timeout_ms: number;
  /** How many of the customer's latest orders the reply context shows. */
  recent_orders_limit: number;
  /** A regular expression for order numbers in messages; "" uses the built-in detection (order-numbers.ts). */
  order_number_pattern: string;
};

export const ECOMMERCE_SETTINGS_KEY = "ecommerce";

const DEFAULTS: EcommerceSettings = {
  enabled: false,
  provider: "maho",
  base_url: "",
  client_id: "",
  client_secret: "",
  timeout_ms: ECOMMERCE_TIMEOUT_MS.default,
  recent_orders_limit: RECENT_ORDERS_LIMIT.default,
  order_number_pattern: "",
};

/** What the API shows: the secret masked, never any of it. */
export function ecommerceSettingsView(settings: EcommerceSettings): EcommerceSettings {
  return { ...settings, client_secret: mask(settings.client_secret) };
}

export const isConfigured = (s: EcommerceSettings) => Boolean(s.base_url && s.client_id && s.client_secret);

/** The stored settings over the defaults, secret still sealed. */
export async function getEcommerceSettings(db: Db, tenantId: number): Promise<EcommerceSettings> {
  const stored = await getSetting<Partial<EcommerceSettings>>(db, tenantId, ECOMMERCE_SETTINGS_KEY);
  return { ...DEFAULTS, ...stored };
}

/**
 * Merges a validated partial update. A secret that is absent, empty or the mask keeps the stored one (forms
 * send back what GET showed); any other value is sealed. Enabling needs a complete connection; the check
 * runs inside the transaction, so a refused update leaves nothing written. A `base_url` whose host the
 * outbound policy refuses is a 400 before anything is written: the client secret would be POSTed there.
 */
export async function updateEcommerceSettings(
  db: Db,
  { secrets, outbound }: { secrets: Keyring; outbound: Outbound },
  tenantId: number,
  patch: Partial<EcommerceSettings>,
): Promise<EcommerceSettings> {
  if (patch.base_url) await checkReachableUrl(outbound, "base_url", patch.base_url);
  const { client_secret, ...rest } = patch;
  const keep = !isNewSecret(client_secret);
  const update: Partial<EcommerceSettings> = isNewSecret(client_secret)
    ? { ...rest, client_secret: seal(secrets, client_secret) }
    : rest;
  return db.transaction(async (tx) => {
    if (keep && patch.base_url !== undefined) {
      const before = await getSetting<Partial<EcommerceSettings>>(tx, tenantId, ECOMMERCE_SETTINGS_KEY);
      if (before?.client_secret && before.base_url && movesHost(before.base_url, patch.base_url)) {
        throw new InputError("client_secret: enter it again when base_url moves to another host");
      }
    }
    const merged = { ...DEFAULTS, ...(await mergeSetting(tx, tenantId, ECOMMERCE_SETTINGS_KEY, update)) };
    if (merged.enabled) {
      for (const field of ["base_url", "client_id", "client_secret"] as const) {
        if (!merged[field]) throw new InputError(`${field}: required when enabled`);
      }
    }
    return merged;
  });
}

/**
 * The stored secret only ever goes to the host it was entered for: pointing the connection at another host
 * needs the secret typed again, or an admin could have the server send it anywhere.
 */
function movesHost(from: string, to: string): boolean {
  if (!to) return false;
  const origin = (url: string) => (URL.canParse(url) ? new URL(url).origin : url);
  return origin(from) !== origin(to);
}

/** Settings fields a connection test may try before they are saved (the secret as typed, or the mask). */
export type ConnectionOverride = Partial<
  Pick<EcommerceSettings, "base_url" | "client_id" | "client_secret" | "timeout_ms">
>;

/** The connection the stored settings (with any override) describe, or null when something is missing. */
export function connectionOf(
  settings: EcommerceSettings,
  secrets: Keyring,
  tenantId: number,
  override: ConnectionOverride = {},
): EcommerceConnection | null {
  const typed = isNewSecret(override.client_secret) ? override.client_secret : "";
  const baseUrl = override.base_url || settings.base_url;
  if (!typed && settings.client_secret && movesHost(settings.base_url, baseUrl)) {
    throw new InputError("client_secret: enter it to test another host than the saved base_url");
  }
  const clientSecret = typed || (settings.client_secret ? unseal(secrets, settings.client_secret) : "");
  const clientId = override.client_id || settings.client_id;
  if (!baseUrl || !clientId || !clientSecret) return null;
  return { tenantId, baseUrl, clientId, clientSecret, timeoutMs: override.timeout_ms ?? settings.timeout_ms };
}
