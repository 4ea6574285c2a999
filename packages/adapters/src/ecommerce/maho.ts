import type { Clock } from "@helperiq/core/port/clock";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { EcommerceError, type Ecommerce, type EcommerceConnection } from "@helperiq/core/port/ecommerce";
import { readJson, send } from "./maho-http.ts";
import { members, newestFirst, toCustomer, toOrder } from "./maho-shapes.ts";
import { createTokenCache } from "./maho-token.ts";

/** Maho's API Platform serves REST under this prefix; an admin may paste the base URL with or without it. */
const API_PREFIX = "/api/rest/v2";

export const apiRootOf = (baseUrl: string) => baseUrl.replace(/\/+$/, "").replace(/\/api\/rest\/v2$/, "") + API_PREFIX;

/**
 * Maho Commerce over its REST API (API Platform, v26+):
 * - customers: `GET /customers?email=…` (needs the API user's `customers/read`);
 * - a customer's orders: `GET /orders?email=…&itemsPerPage=N` — by email, so guest orders count too;
 * - an order by number: `GET /orders?incrementId=…`.
 * Collections come as Hydra (`member`) or plain arrays; Magento 1 shapes are read too (maho-shapes.ts).
 * The token cache lives as long as this object: one per process (per warm Lambda container). Every request
 * goes through the outbound guard: the store's base URL is whatever a workspace admin typed.
 */
export function createMahoEcommerce(options: { clock: Clock; guard: OutboundGuard }): Ecommerce {
  const fetch = options.guard.request;
  const tokens = createTokenCache(options.clock, fetch);

  /** A GET with the cached token, renewed once if the store answers 401; 404 is null. */
  async function get(conn: EcommerceConnection, path: string, query: Record<string, string>): Promise<unknown> {
    const api = apiRootOf(conn.baseUrl);
    const url = `${api}${path}?${new URLSearchParams(query)}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await tokens.get(conn, api);
      const res = await send(fetch, conn, url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      });
      if (res.status === 401) {
        await res.body?.cancel();
        tokens.drop(conn, token);
        continue;
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (res.status === 403) {
        await res.body?.cancel();
        throw new EcommerceError(
          "forbidden",
          `The store's API user may not read ${path.slice(1)} (403): grant it ${path.slice(1)}/read`,
        );
      }
      if (res.status >= 500 || res.status === 429) {
        await res.body?.cancel();
        throw new EcommerceError("server_error", `The store answered ${res.status} to ${path}`);
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new EcommerceError("bad_response", `The store answered ${res.status} to ${path}`);
      }
      return readJson(res, conn);
    }
    throw new EcommerceError("bad_credentials", "The store refused a freshly issued access token (401)");
  }

  return {
    async ping(conn) {
      const api = apiRootOf(conn.baseUrl);
      await tokens.get(conn, api, true);
      const body = await get(conn, "/orders", { itemsPerPage: "1" });
      if (body === null) throw new EcommerceError("bad_response", `No orders endpoint at ${api}/orders (404)`);
    },

    async customerByEmail(conn, email) {
      const found = members(await get(conn, "/customers", { email, itemsPerPage: "5" }))
        .map(toCustomer)
        // A store whose filter is a "contains" search could answer near misses: only the exact address counts.
        .find((c) => c.email.toLowerCase() === email.toLowerCase());
      return found ?? null;
    },

    async recentOrders(conn, email, limit) {
      const orders = members(await get(conn, "/orders", { email, itemsPerPage: String(limit), page: "1" }))
        .map(toOrder)
        .filter((o) => o.customer_email === "" || o.customer_email.toLowerCase() === email.toLowerCase());
      return newestFirst(orders).slice(0, limit);
    },

    async orderByNumber(conn, number) {
      const found = members(await get(conn, "/orders", { incrementId: number }))
        .map(toOrder)
        .find((o) => o.number === number);
      return found ?? null;
    },
  };
}
