import type { Keyring } from "../crypto/secret-box.ts";
import { AppError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { EcommerceError, type Ecommerce, type EcommerceConnection } from "../port/ecommerce.ts";
import {
  connectionOf,
  getEcommerceSettings,
  isConfigured,
  type ConnectionOverride,
  type EcommerceSettings,
} from "./settings.ts";

/**
 * The admin's probes of the store connection (`/ecommerce/test…`). They work whether or not the integration
 * is enabled, so it can be tried before it is switched on. A store failure is an answer, not an error:
 * `{ok: false, error}` with the reason in words; only our own faults surface as 500.
 */
export type TestDeps = { db: Db; secrets: Keyring; ecommerce: Ecommerce; tenantId: number };

export type TestOutcome<T extends object> = (({ ok: true } & T) | { ok: false; error: string }) & {
  latency_ms: number;
};

const NOT_CONFIGURED = "Ecommerce is not configured: base_url, client_id and client_secret are required";

async function probe<T extends object>(
  deps: TestDeps,
  override: ConnectionOverride,
  work: (conn: EcommerceConnection, settings: EcommerceSettings) => Promise<T>,
): Promise<TestOutcome<T>> {
  const settings = await getEcommerceSettings(deps.db, deps.tenantId);
  let conn: EcommerceConnection | null;
  try {
    conn = connectionOf(settings, deps.secrets, deps.tenantId, override);
  } catch (err) {
    if (err instanceof AppError) throw err;
    return {
      ok: false,
      error: "The saved client secret cannot be decrypted with the current SECRET_KEYS: enter it again",
      latency_ms: 0,
    };
  }
  if (!conn) return { ok: false, error: NOT_CONFIGURED, latency_ms: 0 };
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const result = await work(conn, settings);
    return { ok: true, ...result, latency_ms: latency() };
  } catch (err) {
    if (err instanceof EcommerceError) return { ok: false, error: err.message, latency_ms: latency() };
    throw err;
  }
}

/** A fresh token and one cheap call. */
export const testEcommerceConnection = (deps: TestDeps, override: ConnectionOverride = {}) =>
  probe(deps, override, async (conn) => {
    await deps.ecommerce.ping(conn);
    return {};
  });

export const testCustomerLookup = (deps: TestDeps, email: string) =>
  probe(deps, {}, async (conn, settings) => {
    const [customer, orders] = await Promise.all([
      deps.ecommerce.customerByEmail(conn, email),
      deps.ecommerce.recentOrders(conn, email, settings.recent_orders_limit),
    ]);
    return { customer, orders };
  });

export const testOrderLookup = (deps: TestDeps, number: string) =>
  probe(deps, {}, async (conn) => ({ order: await deps.ecommerce.orderByNumber(conn, number) }));

/** For the reply box: whether to offer "+ Orders". */
export async function ecommerceStatus(db: Db, tenantId: number): Promise<{ enabled: boolean; configured: boolean }> {
  const settings = await getEcommerceSettings(db, tenantId);
  return { enabled: settings.enabled, configured: isConfigured(settings) };
}
