import type { EcommerceCustomer, EcommerceOrder } from "../port/ecommerce.ts";

/** The prompt gets this much store context at most; orders past it are cut, whole lines only. */
const MAX_SUMMARY_CHARS = 4000;
const MAX_ITEMS_PER_ORDER = 10;

const money = (amount: number, currency: string) => `${amount.toFixed(2)}${currency ? ` ${currency}` : ""}`;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "unknown date");

function orderLines(order: EcommerceOrder, mentioned: boolean): string[] {
  const t = order.totals;
  const lines = [
    `Order #${order.number}${mentioned ? " (mentioned in the conversation)" : ""}: placed ${day(order.created_at)}, ` +
      `status ${order.status || order.state || "unknown"}, total ${money(t.grand_total, order.currency)}` +
      (t.refunded > 0 ? `, refunded ${money(t.refunded, order.currency)}` : ""),
  ];
  for (const item of order.items.slice(0, MAX_ITEMS_PER_ORDER)) {
    const shipped = item.qty_shipped > 0 ? `, ${item.qty_shipped} shipped` : "";
    lines.push(
      `  - ${item.qty_ordered} × ${item.name}${item.sku ? ` (${item.sku})` : ""} at ${money(item.price, order.currency)}${shipped}`,
    );
  }
  if (order.items.length > MAX_ITEMS_PER_ORDER)
    lines.push(`  - … ${order.items.length - MAX_ITEMS_PER_ORDER} more items`);
  if (order.shipping_method) lines.push(`  Shipping: ${order.shipping_method}`);
  if (order.shipping_address) lines.push(`  Ship to: ${order.shipping_address}`);
  for (const track of order.tracking)
    lines.push(`  Tracking: ${track.title || track.carrier} ${track.number}`.trimEnd());
  if (order.payment_method) lines.push(`  Payment: ${order.payment_method}`);
  return lines;
}

/** Plain text for the reply drafter; "" when the store knows nothing about this conversation. */
export function summarizeEcommerce(
  customer: EcommerceCustomer | null,
  orders: EcommerceOrder[],
  mentioned: string[],
  notFound: string[],
): string {
  const lines: string[] = [];
  if (customer) {
    const name = [customer.first_name, customer.last_name].filter(Boolean).join(" ") || "(no name)";
    const since = customer.created_at ? `, customer since ${day(customer.created_at)}` : "";
    lines.push(`Customer: ${name} <${customer.email}> (store customer id ${customer.id}${since})`);
  }
  for (const order of orders) {
    const block = orderLines(order, mentioned.includes(order.number));
    if ([...lines, ...block].join("\n").length > MAX_SUMMARY_CHARS) break;
    lines.push(...block);
  }
  if (notFound.length) lines.push(`Mentioned but not found in the store: ${notFound.map((n) => `#${n}`).join(", ")}`);
  return lines.join("\n");
}
