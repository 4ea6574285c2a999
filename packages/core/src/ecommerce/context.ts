import { errorReason } from "../errors/describe.ts";
import { and, desc, eq, ne } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import type { Keyring } from "../crypto/secret-box.ts";
import { messages } from "../conversation/message.sql.ts";
import type { Ecommerce, EcommerceConnection, EcommerceCustomer, EcommerceOrder } from "../port/ecommerce.ts";
import { users } from "../user/user.sql.ts";
import { detectOrderNumbers } from "./order-numbers.ts";
import { summarizeEcommerce } from "./summary.ts";
import { connectionOf, getEcommerceSettings, isConfigured } from "./settings.ts";

/** Messages scanned for order numbers, newest first, and how much of each. */
const SCANNED_MESSAGES = 50;
const SCANNED_CHARS = 5000;

export type EcommerceDeps = { ecommerce: Ecommerce; secrets: Keyring; log?: (line: string) => void };

export type ConversationRef = { id: number } | { uuid: string };

/** What the AI drafting gets; `text` is what goes into the prompt ("" when there is nothing to say). */
export type EcommerceContext = {
  included: boolean;
  customer: EcommerceCustomer | null;
  /** The contact's recent orders, then orders mentioned in the conversation, each once. */
  orders: EcommerceOrder[];
  mentioned_order_numbers: string[];
  text: string;
};

const EMPTY: EcommerceContext = { included: false, customer: null, orders: [], mentioned_order_numbers: [], text: "" };

/**
 * The store's view of a conversation's contact for the reply drafter: the customer behind the contact's
 * email with their latest orders, plus the orders whose numbers the conversation mentions. All lookups run
 * at once under one budget (`budgetMs`, default twice the configured request timeout); whatever has not
 * answered by then is left out. Never throws: a disabled or unconfigured store, an unknown conversation,
 * store failures and timeouts all give an empty or partial context and a log line, so replying is never
 * blocked by the store.
 */
export async function ecommerceContextFor(
  ctx: Ctx,
  conversation: ConversationRef,
  deps: EcommerceDeps,
  options: { budgetMs?: number } = {},
): Promise<EcommerceContext> {
  const log = deps.log ?? ((line: string) => console.warn(line));
  try {
    const settings = await getEcommerceSettings(ctx.db, ctx.tenantId);
    if (!settings.enabled || !isConfigured(settings)) return EMPTY;
    const conn = connectionOf(settings, deps.secrets, ctx.tenantId);
    const convo = await loadConversation(ctx, conversation);
    if (!conn || !convo) return EMPTY;
    const numbers = detectOrderNumbers(convo.texts, settings.order_number_pattern);
    const budget = options.budgetMs ?? settings.timeout_ms * 2;
    return await lookUp(conn, deps.ecommerce, convo.email, numbers, settings.recent_orders_limit, budget, (line) =>
      log(`[ecommerce] tenant ${ctx.tenantId}: ${line}`),
    );
  } catch (err) {
    log(`[ecommerce] tenant ${ctx.tenantId}: context left out: ${errorReason(err)}`);
    return EMPTY;
  }
}

async function loadConversation(ctx: Ctx, ref: ConversationRef) {
  const where = "id" in ref ? eq(conversations.id, ref.id) : eq(conversations.uuid, ref.uuid);
  const [row] = await ctx.db
    .select({ id: conversations.id, email: users.email })
    .from(conversations)
    .innerJoin(users, eq(users.id, conversations.contactId))
    .where(and(eq(conversations.tenantId, ctx.tenantId), where))
    .limit(1);
  if (!row) return null;
  const recent = await ctx.db
    .select({ text: messages.textContent })
    .from(messages)
    .where(and(eq(messages.tenantId, ctx.tenantId), eq(messages.conversationId, row.id), ne(messages.type, "activity")))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(SCANNED_MESSAGES);
  return { email: row.email?.trim() || null, texts: recent.map((m) => m.text.slice(0, SCANNED_CHARS)) };
}

type Settled<T> = { ok: true; value: T } | { ok: false };

async function lookUp(
  conn: EcommerceConnection,
  store: Ecommerce,
  email: string | null,
  numbers: string[],
  limit: number,
  budgetMs: number,
  log: (line: string) => void,
): Promise<EcommerceContext> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), budgetMs);
  });
  const settle = async <T>(what: string, work: Promise<T>): Promise<Settled<T>> => {
    const guarded = work.then(
      (value) => ({ ok: true as const, value }),
      (err: unknown) => {
        log(`${what} failed: ${errorReason(err)}`);
        return { ok: false as const };
      },
    );
    const outcome = await Promise.race([guarded, deadline]);
    if (outcome === "late") {
      log(`${what} did not finish within ${budgetMs} ms`);
      return { ok: false };
    }
    return outcome;
  };
  try {
    const [customer, recent, ...mentioned] = await Promise.all([
      email ? settle("customer lookup", store.customerByEmail(conn, email)) : Promise.resolve({ ok: false as const }),
      email ? settle("recent orders", store.recentOrders(conn, email, limit)) : Promise.resolve({ ok: false as const }),
      ...numbers.map((n) => settle(`order ${n}`, store.orderByNumber(conn, n))),
    ]);
    const orders = new Map<string, EcommerceOrder>();
    if (recent.ok) for (const order of recent.value) orders.set(order.number, order);
    const notFound: string[] = [];
    mentioned.forEach((found, i) => {
      if (found.ok && found.value) orders.set(found.value.number, found.value);
      else if (found.ok) notFound.push(numbers[i]!);
    });
    const result: EcommerceContext = {
      included: false,
      customer: customer.ok ? customer.value : null,
      orders: [...orders.values()],
      mentioned_order_numbers: numbers,
      text: "",
    };
    result.text = summarizeEcommerce(result.customer, result.orders, numbers, notFound);
    result.included = result.text !== "";
    return result;
  } finally {
    clearTimeout(timer);
  }
}
