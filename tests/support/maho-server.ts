import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A Maho Commerce store on 127.0.0.1 speaking the API Platform REST shapes HelperIQ reads:
 * `POST /api/rest/v2/auth/token` (JSON `{grant_type: "client_credentials", client_id, client_secret}` →
 * `{token, token_type, expires_in}`, 401 `{error: "invalid_client"}`), and Bearer-protected Hydra
 * collections `GET /api/rest/v2/customers?email=` and `GET /api/rest/v2/orders?email=|incrementId=&itemsPerPage=&page=`
 * (newest first), with camelCase resources. Tokens expire on the clock given (the tests' clock), so expiry
 * is real to both sides; an expired, revoked or unknown token is 401 `{error: "invalid_token"}`.
 */
export type MahoCustomer = { id: number; email: string; firstname: string; lastname: string; createdAt: string };
export type MahoOrder = {
  id: number;
  incrementId: string;
  customerId: number | null;
  customerEmail: string;
  customerFirstname: string;
  customerLastname: string;
  status: string;
  state: string;
  currency: string;
  createdAt: string;
  items: { sku: string; name: string; qtyOrdered: number; qtyShipped: number; price: number; rowTotal: number }[];
  prices: {
    subtotal: number;
    shippingAmount: number;
    taxAmount: number;
    discountAmount: number;
    grandTotal: number;
    totalPaid: number;
    totalRefunded: number;
  };
  shippingDescription: string;
  paymentMethodTitle: string;
  shippingAddress: {
    firstname: string;
    lastname: string;
    street: string[];
    city: string;
    postcode: string;
    countryId: string;
  } | null;
  shipments: { id: number; tracks: { carrier: string; title: string; trackNumber: string }[] }[];
};

export type MahoServer = {
  url: string;
  customers: MahoCustomer[];
  orders: MahoOrder[];
  /** Tokens issued so far. */
  tokensIssued(): number;
  /** Requests by path ("/api/rest/v2/orders"), for counting calls. */
  hits(path: string): number;
  /** Every outstanding token stops working (as after a key rotation on the store). */
  revokeTokens(): void;
  /** Delay (ms) before answering a path; 0 removes it. */
  slow(path: string, ms: number): void;
  /** Answer a path with this status from now on; 0 removes it. */
  fail(path: string, status: number): void;
  /** Last query string seen per path. */
  lastQuery(path: string): URLSearchParams | undefined;
  close(): Promise<void>;
};

const API = "/api/rest/v2";

export async function startMahoServer(options: {
  clientId: string;
  clientSecret: string;
  tokenLifetimeS?: number;
  now?: () => number;
}): Promise<MahoServer> {
  const now = options.now ?? Date.now;
  const lifetime = options.tokenLifetimeS ?? 3600;
  const tokens = new Map<string, number>(); // token → expires at (ms)
  const hits = new Map<string, number>();
  const delays = new Map<string, number>();
  const failures = new Map<string, number>();
  const queries = new Map<string, URLSearchParams>();
  const customers: MahoCustomer[] = [];
  const orders: MahoOrder[] = [];
  let issued = 0;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (chunk) => (data += chunk));
      req.on("end", () => resolve(data));
    });
  const collection = (list: unknown[], page: number, perPage: number) => {
    const slice = list.slice((page - 1) * perPage, page * perPage);
    return { "@context": "/api/rest/v2/contexts/Order", "@type": "Collection", member: slice, totalItems: list.length };
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://store");
    const path = url.pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    queries.set(path, url.searchParams);
    const delay = delays.get(path);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = failures.get(path);
    if (failure) return json(res, failure, { error: "server_error", message: "Internal error" });

    if (req.method === "POST" && path === `${API}/auth/token`) {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        /* Maho treats an unreadable body as empty */
      }
      if (body.grant_type !== "client_credentials") return json(res, 400, { error: "unsupported_grant_type" });
      if (body.client_id !== options.clientId || body.client_secret !== options.clientSecret) {
        return json(res, 401, { error: "invalid_client", message: "Invalid client credentials" });
      }
      const part = () => randomBytes(12).toString("base64url");
      const token = `${part()}.${part()}.${part()}`;
      tokens.set(token, now() + lifetime * 1000);
      issued++;
      return json(res, 200, {
        token,
        token_type: "Bearer",
        expires_in: lifetime,
        apiUser: { id: 1, username: "helperiq" },
      });
    }

    const single = new RegExp(`^${API}/orders/(\\d+)$`).exec(path);
    if (path !== `${API}/customers` && path !== `${API}/orders` && !single) {
      return json(res, 404, { error: "not_found", message: `No route for ${path}` });
    }
    const auth = req.headers.authorization ?? "";
    const expires = auth.startsWith("Bearer ") ? tokens.get(auth.slice(7)) : undefined;
    if (expires === undefined || expires <= now())
      return json(res, 401, { error: "invalid_token", message: "Invalid or expired token" });
    if (req.method !== "GET") return json(res, 405, { error: "method_not_allowed" });

    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("itemsPerPage") ?? 20)));
    if (path === `${API}/customers`) {
      const email = url.searchParams.get("email");
      const list = customers.filter((c) => !email || c.email.toLowerCase() === email.toLowerCase());
      return json(res, 200, collection(list, page, perPage));
    }
    if (path === `${API}/orders`) {
      const email = url.searchParams.get("email");
      const number = url.searchParams.get("incrementId");
      const list = orders
        .filter(
          (o) =>
            (!email || o.customerEmail.toLowerCase() === email.toLowerCase()) && (!number || o.incrementId === number),
        )
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return json(res, 200, collection(list, page, perPage));
    }
    if (single) {
      const order = orders.find((o) => o.id === Number(single[1]));
      return order ? json(res, 200, order) : json(res, 404, { error: "not_found" });
    }
    return json(res, 405, { error: "method_not_allowed" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    customers,
    orders,
    tokensIssued: () => issued,
    hits: (path) => hits.get(path) ?? 0,
    revokeTokens: () => tokens.clear(),
    slow: (path, ms) => void (ms ? delays.set(path, ms) : delays.delete(path)),
    fail: (path, status) => void (status ? failures.set(path, status) : failures.delete(path)),
    lastQuery: (path) => queries.get(path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An order in Maho's shape with sensible defaults. */
export function mahoOrder(
  fields: Partial<MahoOrder> & Pick<MahoOrder, "id" | "incrementId" | "customerEmail" | "createdAt">,
): MahoOrder {
  return {
    customerId: null,
    customerFirstname: "Jane",
    customerLastname: "Doe",
    status: "processing",
    state: "processing",
    currency: "EUR",
    items: [{ sku: "TS-BLUE", name: "Blue T-Shirt", qtyOrdered: 2, qtyShipped: 0, price: 19.95, rowTotal: 39.9 }],
    prices: {
      subtotal: 39.9,
      shippingAmount: 4.9,
      taxAmount: 0,
      discountAmount: 0,
      grandTotal: 44.8,
      totalPaid: 44.8,
      totalRefunded: 0,
    },
    shippingDescription: "Flat Rate - Fixed",
    paymentMethodTitle: "Check / Money order",
    shippingAddress: {
      firstname: "Jane",
      lastname: "Doe",
      street: ["1 Main St"],
      city: "Sydney",
      postcode: "2000",
      countryId: "AU",
    },
    shipments: [],
    ...fields,
  };
}
