import type {
  EcommerceCustomer,
  EcommerceOrder,
  EcommerceOrderItem,
  EcommerceTracking,
} from "@helperiq/core/port/ecommerce";

/**
 * Maho's API Platform answers camelCase resources (`incrementId`, `prices.grandTotal`, `shipments[].tracks[]`)
 * inside a Hydra collection (`{member: [...]}`, or `hydra:member` with JSON-LD) or a plain array. Magento 1's
 * REST API (`/api/rest/orders`) answers snake_case resources in an object keyed by entity id. Both are read
 * here, field by field, so a store on either naming convention gives the same views.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The resources of a collection answer, whichever wrapper it came in. */
export function members(body: unknown): Json[] {
  if (Array.isArray(body)) return body.filter(isObject);
  if (!isObject(body)) return [];
  for (const key of ["member", "hydra:member", "data", "items"]) {
    const list = body[key];
    if (Array.isArray(list)) return list.filter(isObject);
  }
  // Magento 1: {"17": {...}, "18": {...}}.
  const entries = Object.entries(body);
  if (entries.length > 0 && entries.every(([k, v]) => /^\d+$/.test(k) && isObject(v)))
    return entries.map(([, v]) => v as Json);
  return [];
}

function pick(o: Json | undefined, ...keys: string[]): unknown {
  if (!o) return undefined;
  for (const key of keys) if (o[key] !== undefined && o[key] !== null) return o[key];
  return undefined;
}

const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
/** Magento sends decimals as strings ("12.5000"). */
const num = (v: unknown) => {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
};
const orNull = (s: string) => (s === "" ? null : s);

export function toCustomer(c: Json): EcommerceCustomer {
  const billing = pick(c, "defaultBillingAddress", "default_billing_address");
  return {
    id: str(pick(c, "id", "entity_id")),
    email: str(pick(c, "email")),
    first_name: str(pick(c, "firstName", "firstname", "first_name")),
    last_name: str(pick(c, "lastName", "lastname", "last_name")),
    telephone: orNull(str(pick(c, "telephone") ?? pick(isObject(billing) ? billing : undefined, "telephone"))),
    created_at: orNull(str(pick(c, "createdAt", "created_at"))),
  };
}

function toItem(i: Json): EcommerceOrderItem {
  return {
    sku: str(pick(i, "sku")),
    name: str(pick(i, "name")),
    qty_ordered: num(pick(i, "qtyOrdered", "qty_ordered", "qty")),
    qty_shipped: num(pick(i, "qtyShipped", "qty_shipped")),
    qty_refunded: num(pick(i, "qtyRefunded", "qty_refunded")),
    price: num(pick(i, "priceInclTax", "price_incl_tax", "price")),
    row_total: num(pick(i, "rowTotalInclTax", "row_total_incl_tax", "rowTotal", "row_total")),
  };
}

function addressLine(a: unknown): string | null {
  if (!isObject(a)) return null;
  const street = pick(a, "street");
  const parts = [
    [str(pick(a, "firstName", "firstname")), str(pick(a, "lastName", "lastname"))].filter(Boolean).join(" "),
    Array.isArray(street) ? street.map(str).filter(Boolean).join(", ") : str(street).replace(/\n/g, ", "),
    [str(pick(a, "postcode")), str(pick(a, "city"))].filter(Boolean).join(" "),
    str(pick(a, "countryId", "country_id")),
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : null;
}

function toTracks(order: Json): EcommerceTracking[] {
  const shipments = pick(order, "shipments");
  const tracks: unknown[] = Array.isArray(shipments)
    ? shipments.flatMap((s) => (isObject(s) && Array.isArray(s.tracks) ? s.tracks : []))
    : [];
  const direct = pick(order, "tracks", "tracking");
  if (Array.isArray(direct)) tracks.push(...direct);
  return tracks.filter(isObject).map((t) => ({
    carrier: str(pick(t, "carrier", "carrierCode", "carrier_code")),
    title: str(pick(t, "title")),
    number: str(pick(t, "trackNumber", "track_number", "number")),
  }));
}

export function toOrder(o: Json): EcommerceOrder {
  const prices = pick(o, "prices");
  const p = isObject(prices) ? prices : o; // Magento 1 keeps the totals on the order itself
  const items = pick(o, "items", "order_items");
  let shipping = pick(o, "shippingAddress", "shipping_address");
  const addresses = pick(o, "addresses");
  if (!shipping && Array.isArray(addresses)) {
    shipping = addresses.find((a) => isObject(a) && a.address_type === "shipping");
  }
  const name = [
    str(pick(o, "customerFirstname", "customer_firstname")),
    str(pick(o, "customerLastname", "customer_lastname")),
  ];
  return {
    id: str(pick(o, "id", "entity_id")),
    number: str(pick(o, "incrementId", "increment_id")),
    status: str(pick(o, "status")),
    state: str(pick(o, "state")),
    created_at: orNull(str(pick(o, "createdAt", "created_at"))),
    customer_email: str(pick(o, "customerEmail", "customer_email")),
    customer_name: name.filter(Boolean).join(" "),
    currency: str(pick(o, "currency", "order_currency_code")),
    items: Array.isArray(items) ? items.filter(isObject).map(toItem) : [],
    totals: {
      subtotal: num(pick(p, "subtotal")),
      shipping: num(pick(p, "shippingAmount", "shipping_amount")),
      tax: num(pick(p, "taxAmount", "tax_amount")),
      discount: num(pick(p, "discountAmount", "discount_amount")),
      grand_total: num(pick(p, "grandTotal", "grand_total")),
      paid: num(pick(p, "totalPaid", "total_paid")),
      refunded: num(pick(p, "totalRefunded", "total_refunded")),
    },
    payment_method: str(pick(o, "paymentMethodTitle", "paymentMethod", "payment_method")),
    shipping_method: str(pick(o, "shippingDescription", "shipping_description", "shippingMethod", "shipping_method")),
    shipping_address: addressLine(shipping),
    tracking: toTracks(o),
  };
}

/** Newest first; orders without a date keep their place after the dated ones. */
export function newestFirst(orders: EcommerceOrder[]): EcommerceOrder[] {
  const time = (o: EcommerceOrder) => (o.created_at ? Date.parse(o.created_at.replace(" ", "T")) || 0 : 0);
  return [...orders].sort((a, b) => time(b) - time(a));
}
