import { and, asc, desc, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { compileFilters, type FilterFields, type FilterOptions } from "../filter/index.ts";
import { sameNames } from "../filter/libredesk.ts";
import { offsetOf, pageResult, type PageRequest, type PageResult } from "../page/index.ts";
import { users } from "../user/user.sql.ts";
import { contactsOf } from "./scope.ts";
import { contactColumns, contactViews, type ContactView } from "./view.ts";

/** `order_by` allow-list of the contact list, wire name → column. */
export const CONTACT_ORDER = {
  first_name: users.firstName,
  email: users.email,
  created_at: users.createdAt,
  updated_at: users.updatedAt,
} as const;
export type ContactOrder = keyof typeof CONTACT_ORDER;
export const CONTACT_ORDER_KEYS = Object.keys(CONTACT_ORDER) as [ContactOrder, ...ContactOrder[]];

/** Filterable contact fields, plus `custom_attributes.<key>`. */
export const CONTACT_FILTERS: FilterFields = {
  first_name: { type: "text", expr: users.firstName },
  last_name: { type: "text", expr: users.lastName },
  email: { type: "text", expr: users.email },
  phone: { type: "text", expr: users.phone },
  blocked: { type: "boolean", expr: users.blocked },
  created_at: { type: "date", expr: users.createdAt },
};

/** LibreDesk's UI names contact columns under the `users` model (`users.email`). */
const CONTACT_FILTER_OPTIONS: FilterOptions = {
  customAttributes: users.customAttributes,
  models: { users: sameNames(Object.keys(CONTACT_FILTERS)) },
};

export type ContactListQuery = PageRequest & { orderBy: ContactOrder; order: "asc" | "desc"; filters?: unknown };

export async function listContacts(ctx: Ctx, q: ContactListQuery): Promise<PageResult<ContactView>> {
  const where = and(contactsOf(ctx), compileFilters(q.filters, CONTACT_FILTERS, CONTACT_FILTER_OPTIONS));
  const dir = q.order === "asc" ? asc : desc;
  const [rows, [count]] = await Promise.all([
    ctx.db
      .select(contactColumns)
      .from(users)
      .where(where)
      .orderBy(sql`${dir(CONTACT_ORDER[q.orderBy])} NULLS LAST`, dir(users.id))
      .limit(q.pageSize)
      .offset(offsetOf(q)),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(users).where(where),
  ]);
  return pageResult(await contactViews(ctx, rows), count!.n, q);
}
