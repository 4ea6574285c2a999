/**
 * A store's order system, read-only: who a customer is and what they ordered. The one implementation speaks
 * Maho Commerce's REST API (packages/adapters/src/ecommerce/maho.ts); views are wire-shaped (snake_case)
 * because the test endpoints return them as they are.
 */

/** Where and as whom to connect; the secret is already unsealed. */
export type EcommerceConnection = {
  /** Token cache partition: a token is never shared between workspaces. */
  tenantId: number;
  /** The store's origin (and path prefix, if any), without a trailing slash. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Budget of each HTTP request to the store. */
  timeoutMs: number;
};

export type EcommerceCustomer = {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  telephone: string | null;
  created_at: string | null;
};

export type EcommerceOrderItem = {
  sku: string;
  name: string;
  qty_ordered: number;
  qty_shipped: number;
  qty_refunded: number;
  price: number;
  row_total: number;
};

export type EcommerceTracking = { carrier: string; title: string; number: string };

export type EcommerceOrder = {
  id: string;
  /** The increment id customers see ("100000123"). */
  number: string;
  status: string;
  state: string;
  created_at: string | null;
  customer_email: string;
  customer_name: string;
  currency: string;
  items: EcommerceOrderItem[];
  totals: {
    subtotal: number;
    shipping: number;
    tax: number;
    discount: number;
    grand_total: number;
    paid: number;
    refunded: number;
  };
  payment_method: string;
  shipping_method: string;
  /** One line: "Jane Doe, 1 Main St, 2000 Sydney, AU", or null when the order ships nowhere. */
  shipping_address: string | null;
  tracking: EcommerceTracking[];
};

/** Why a call to the store failed; `message` is meant for an admin's eyes. */
export type EcommerceFailure =
  | "bad_credentials"
  | "forbidden"
  | "unreachable"
  | "timeout"
  | "server_error"
  | "bad_response";

export class EcommerceError extends Error {
  constructor(
    readonly reason: EcommerceFailure,
    message: string,
  ) {
    super(message);
    this.name = "EcommerceError";
  }
}

/**
 * Lookups answer null / [] for "no such thing" and throw EcommerceError for everything else. Tokens are the
 * implementation's business: fetched on first use, cached per connection, renewed before they expire and
 * once more when the store answers 401.
 */
export interface Ecommerce {
  /** Obtains a token (a fresh one, not the cache) and makes one cheap authenticated call. */
  ping(conn: EcommerceConnection): Promise<void>;
  customerByEmail(conn: EcommerceConnection, email: string): Promise<EcommerceCustomer | null>;
  /** Orders placed with this email (guest orders too), newest first, at most `limit`. */
  recentOrders(conn: EcommerceConnection, email: string, limit: number): Promise<EcommerceOrder[]>;
  orderByNumber(conn: EcommerceConnection, number: string): Promise<EcommerceOrder | null>;
}
