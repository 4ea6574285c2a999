import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Data } from "./schema.ts";

/** The admin console's custom domains screen (features/admin/settings/DomainsPage.vue). */
export type CustomDomain = Data<"GET", "/api/v1/domains/:hostname">;

export const domainsApi = {
  list: () => call(ENDPOINTS.domains),
  add: (hostname: string) => call(ENDPOINTS.addDomain, { body: { hostname } }),
  /** Checks the DNS record and the well-known URL; a failure comes back as the domain with `last_error`. */
  verify: (hostname: string) => call(ENDPOINTS.verifyDomain, { params: { hostname } }),
  remove: (hostname: string) => call(ENDPOINTS.removeDomain, { params: { hostname } }),
};
