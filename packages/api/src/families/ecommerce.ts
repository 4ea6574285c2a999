import { getConversation } from "@helperiq/core/conversation/get";
import { ecommerceContextFor } from "@helperiq/core/ecommerce/context";
import { orderNumberPatternProblem } from "@helperiq/core/ecommerce/order-numbers";
import {
  ECOMMERCE_PROVIDERS,
  ECOMMERCE_TIMEOUT_MS,
  ecommerceSettingsView,
  getEcommerceSettings,
  isConfigured,
  RECENT_ORDERS_LIMIT,
  updateEcommerceSettings,
} from "@helperiq/core/ecommerce/settings";
import {
  ecommerceStatus,
  testCustomerLookup,
  testEcommerceConnection,
  testOrderLookup,
  type TestDeps,
} from "@helperiq/core/ecommerce/test-lookups";
import { InputError, NotFoundError } from "@helperiq/core/errors/index";
import type { EcommerceOrder } from "@helperiq/core/port/ecommerce";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds, type Responding } from "../middleware/envelope.ts";
import {
  connectionTest,
  conversationOrders,
  customerLookup,
  ecommerceSettings,
  ecommerceStatus as ecommerceStatusView,
  libreDeskOrder as libreDeskOrderView,
  orderLookup,
} from "../responses/ecommerce.ts";
import { validate } from "../validate.ts";

/** The store's URL: http(s), no credentials, query or fragment; trailing slashes dropped; "" clears it. */
const baseUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    if (v === "") return true;
    if (!URL.canParse(v)) return false;
    const url = new URL(v);
    return /^https?:$/.test(url.protocol) && !url.username && !url.password && !url.search && !url.hash;
  }, "must be an http(s) URL without credentials, query or fragment")
  .transform((v) => v.replace(/\/+$/, ""));

const timeoutMs = z.number().int().min(ECOMMERCE_TIMEOUT_MS.min).max(ECOMMERCE_TIMEOUT_MS.max);
const clientId = z.string().trim().max(255);
const clientSecret = z.string().max(1024);

const settingsUpdate = z
  .object({
    enabled: z.boolean(),
    provider: z.enum(ECOMMERCE_PROVIDERS),
    base_url: baseUrl,
    client_id: clientId,
    client_secret: clientSecret,
    timeout_ms: timeoutMs,
    recent_orders_limit: z.number().int().min(RECENT_ORDERS_LIMIT.min).max(RECENT_ORDERS_LIMIT.max),
    order_number_pattern: z.string().superRefine((pattern, ctx) => {
      const problem = pattern === "" ? null : orderNumberPatternProblem(pattern);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  })
  .partial()
  .extend({
    /** LibreDesk's name for the provider: its "magento1" is the same REST API Maho serves. */
    type: z.enum(["maho", "magento1"]).optional(),
    /** LibreDesk's free-form provider options; HelperIQ's store connection has none, so only `{}` is accepted. */
    extra_config: z
      .record(z.string(), z.string())
      .refine((extra) => Object.keys(extra).length === 0, "the maho provider takes no extra options")
      .optional(),
  })
  .strict()
  .transform(({ type, extra_config: _none, ...update }) =>
    type && !update.provider ? { ...update, provider: "maho" as const } : update,
  );

/**
 * The settings as both clients read them: HelperIQ's fields, plus LibreDesk's `type` for the provider, ""
 * until a connection is configured (LibreDesk's settings page then shows its blank form).
 */
const settingsAnswer = (settings: Parameters<typeof ecommerceSettingsView>[0]) => ({
  ...ecommerceSettingsView(settings),
  type: isConfigured(settings) ? "magento1" : "",
});

type SettingsAnswer = Context<AppEnv, string, Responding<z.output<typeof ecommerceSettings>>>;

const readSettings = async (c: SettingsAnswer) =>
  ok(c, settingsAnswer(await getEcommerceSettings(c.get("deps").database.db, c.get("tenant").id)));

async function writeSettings(c: SettingsAnswer, update: z.output<typeof settingsUpdate>) {
  const { database, secrets, outbound } = c.get("deps");
  return ok(
    c,
    settingsAnswer(await updateEcommerceSettings(database.db, { secrets, outbound }, c.get("tenant").id, update)),
  );
}

/** A connection test may try unsaved values; absent ones come from the stored settings. */
const testBody = z
  .object({ base_url: baseUrl, client_id: clientId, client_secret: clientSecret, timeout_ms: timeoutMs })
  .partial();

const uuidParam = z.object({ uuid: z.uuid("must be a conversation uuid") });

const emailQuery = z.object({ email: z.email("must be an email address").max(254) });
const orderNumber = z
  .string()
  .trim()
  .regex(/^#?[A-Za-z0-9_-]{1,32}$/, "must be an order number like 100000123")
  .transform((n) => n.replace(/^#/, ""));
/**
 * HelperIQ's `number`, or `order_number` as LibreDesk's settings page sends it (both at once must agree).
 * The form asked in is the form answered (see the route).
 */
const numberQuery = z
  .object({ number: orderNumber.optional(), order_number: orderNumber.optional() })
  .transform(({ number, order_number }, ctx) => {
    if (number !== undefined && order_number !== undefined && number !== order_number) {
      ctx.addIssue({ code: "custom", path: ["order_number"], message: "names another order than number" });
      return z.NEVER;
    }
    const chosen = number ?? order_number;
    if (chosen === undefined) {
      ctx.addIssue({ code: "custom", path: ["number"], message: "required (or order_number)" });
      return z.NEVER;
    }
    return { number: chosen, libreDesk: number === undefined };
  });

/**
 * An order as LibreDesk's settings page shows a test lookup: its own field names (`increment_id`, flat
 * totals, items with `qty`) beside HelperIQ's.
 */
function libreDeskOrder(order: EcommerceOrder) {
  return {
    ...order,
    increment_id: order.number,
    subtotal: order.totals.subtotal,
    grand_total: order.totals.grand_total,
    total_paid: order.totals.paid,
    total_refunded: order.totals.refunded,
    shipping_amount: order.totals.shipping,
    items: order.items.map((item) => ({ ...item, qty: item.qty_ordered })),
  };
}

function testDeps(c: Context<AppEnv>): TestDeps {
  const { database, secrets, ecommerce } = c.get("deps");
  return { db: database.db, secrets, ecommerce, tenantId: c.get("tenant").id };
}

/** Spec "Ecommerce": the store connection (Maho Commerce / Magento 1 REST), its probes, and the reply box's switch. */
export const ecommerceFamily = new Hono<AppEnv>()
  .get("/api/v1/ecommerce/settings", auth("general_settings:manage"), responds(ecommerceSettings), readSettings)
  .put(
    "/api/v1/ecommerce/settings",
    auth("general_settings:manage"),
    validate("json", settingsUpdate),
    responds(ecommerceSettings),
    async (c) => writeSettings(c, c.req.valid("json")),
  )
  // LibreDesk's path for the same settings: the same two operations.
  .get("/api/v1/settings/ecommerce", auth("general_settings:manage"), responds(ecommerceSettings), readSettings)
  .put(
    "/api/v1/settings/ecommerce",
    auth("general_settings:manage"),
    validate("json", settingsUpdate),
    responds(ecommerceSettings),
    async (c) => writeSettings(c, c.req.valid("json")),
  )
  .post(
    "/api/v1/ecommerce/test",
    auth("general_settings:manage"),
    validate("json", testBody),
    responds(connectionTest),
    async (c) => ok(c, await testEcommerceConnection(testDeps(c), c.req.valid("json"))),
  )
  .get("/api/v1/ecommerce/status", auth(), responds(ecommerceStatusView), async (c) =>
    ok(c, await ecommerceStatus(c.get("deps").database.db, c.get("tenant").id)),
  )
  .get(
    "/api/v1/ecommerce/test/customer",
    auth("general_settings:manage"),
    validate("query", emailQuery),
    responds(customerLookup),
    async (c) => ok(c, await testCustomerLookup(testDeps(c), c.req.valid("query").email)),
  )
  // HelperIQ's `number` answers the probe's outcome (`{ok, order|error, latency_ms}`); LibreDesk's `order_number` the
  // order itself, a 404 when the store has none and a 400 with the store's reason when the lookup fails.
  .get(
    "/api/v1/ecommerce/test/order",
    auth("general_settings:manage"),
    validate("query", numberQuery),
    responds(z.union([orderLookup, libreDeskOrderView])),
    async (c) => {
      const { number, libreDesk } = c.req.valid("query");
      const outcome = await testOrderLookup(testDeps(c), number);
      if (!libreDesk) return ok(c, outcome);
      if (!outcome.ok) throw new InputError(`order_number: ${outcome.error}`);
      if (!outcome.order) throw new NotFoundError("Order");
      return ok(c, libreDeskOrder(outcome.order));
    },
  )
  // The conversation sidebar's orders panel: the conversation must be one the caller sees (404 otherwise);
  // a store that is off or unconfigured answers enabled:false, and a failing store an empty list (never a 5xx).
  .get(
    "/api/v1/conversations/:uuid/orders",
    auth("conversations:read"),
    validate("param", uuidParam),
    responds(conversationOrders),
    async (c) => {
      const ctx = ctxOf(c);
      const { uuid } = c.req.valid("param");
      await getConversation(ctx, { uuid });
      const { ecommerce, secrets, database } = c.get("deps");
      const store = await ecommerceStatus(database.db, c.get("tenant").id);
      if (!store.enabled || !store.configured)
        return ok(c, { enabled: false, customer: null, orders: [], mentioned_order_numbers: [] });
      const found = await ecommerceContextFor(ctx, { uuid }, { ecommerce, secrets });
      return ok(c, {
        enabled: true,
        customer: found.customer,
        orders: found.orders,
        mentioned_order_numbers: found.mentioned_order_numbers,
      });
    },
  );
