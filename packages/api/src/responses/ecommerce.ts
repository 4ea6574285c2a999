import { ECOMMERCE_PROVIDERS } from "@helperiq/core/ecommerce/settings";
import { z } from "zod";
import { int } from "./scalars.ts";

/** The store connection (core/ecommerce `EcommerceSettings`), the secret masked, with LibreDesk's `type`. */
export const ecommerceSettings = z
  .object({
    enabled: z.boolean(),
    provider: z.enum(ECOMMERCE_PROVIDERS),
    base_url: z.string(),
    client_id: z.string(),
    client_secret: z.string().describe("Masked: never the secret itself."),
    timeout_ms: int,
    recent_orders_limit: int.describe("How many of the customer's latest orders the reply context shows."),
    order_number_pattern: z
      .string()
      .describe('A regular expression for order numbers in messages; "" uses the built-in detection.'),
    type: z
      .string()
      .describe('LibreDesk\'s name for the provider: "magento1" once a connection is configured, "" until then.'),
  })
  .meta({ id: "EcommerceSettings" });

export const ecommerceStatus = z
  .object({ enabled: z.boolean(), configured: z.boolean() })
  .meta({ id: "EcommerceStatus" });

const customer = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  telephone: z.string().nullable(),
  created_at: z.string().nullable().describe("As the store gives it."),
});

const item = z.object({
  sku: z.string(),
  name: z.string(),
  qty_ordered: z.number(),
  qty_shipped: z.number(),
  qty_refunded: z.number(),
  price: z.number(),
  row_total: z.number(),
});

/** An order from the store (core/port `EcommerceOrder`). */
export const ecommerceOrder = z
  .object({
    id: z.string(),
    number: z.string().describe("The increment id customers see."),
    status: z.string(),
    state: z.string(),
    created_at: z.string().nullable().describe("As the store gives it."),
    customer_email: z.string(),
    customer_name: z.string(),
    currency: z.string(),
    items: z.array(item),
    totals: z.object({
      subtotal: z.number(),
      shipping: z.number(),
      tax: z.number(),
      discount: z.number(),
      grand_total: z.number(),
      paid: z.number(),
      refunded: z.number(),
    }),
    payment_method: z.string(),
    shipping_method: z.string(),
    shipping_address: z.string().nullable(),
    tracking: z.array(z.object({ carrier: z.string(), title: z.string(), number: z.string() })),
  })
  .meta({ id: "EcommerceOrder" });

/** An order as LibreDesk's settings page shows a test lookup: its own names beside HelperIQ's. */
export const libreDeskOrder = ecommerceOrder
  .extend({
    increment_id: z.string(),
    subtotal: z.number(),
    grand_total: z.number(),
    total_paid: z.number(),
    total_refunded: z.number(),
    shipping_amount: z.number(),
    items: z.array(item.extend({ qty: z.number() })),
  })
  .meta({ id: "LibreDeskOrder" });

/** A probe of the store: what it found, or the store's reason it failed; how long it took either way. */
export function testOutcome<S extends z.ZodRawShape>(found: S) {
  return z.union([
    z.object({ ok: z.literal(true), ...found, latency_ms: int }),
    z.object({ ok: z.literal(false), error: z.string(), latency_ms: int }),
  ]);
}

export const connectionTest = testOutcome({});
export const customerLookup = testOutcome({ customer: customer.nullable(), orders: z.array(ecommerceOrder) });
export const orderLookup = testOutcome({ order: ecommerceOrder.nullable() });

/** The store's view of a conversation's contact for the conversation sidebar (core/ecommerce `EcommerceContext`). */
export const conversationOrders = z
  .object({
    enabled: z.boolean().describe("Whether a store is connected and switched on; false answers nothing else."),
    customer: customer.nullable().describe("The store's customer with the contact's email, if any."),
    orders: z
      .array(ecommerceOrder)
      .describe("The customer's latest orders, then orders whose numbers the conversation mentions, each once."),
    mentioned_order_numbers: z.array(z.string()),
  })
  .meta({ id: "ConversationOrders" });
