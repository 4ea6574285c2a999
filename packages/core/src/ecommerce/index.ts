/** The store integration: settings, probes, and the reply drafter's context. */
export { ecommerceContextFor, type ConversationRef, type EcommerceContext, type EcommerceDeps } from "./context.ts";
export { detectOrderNumbers, orderNumberPatternProblem } from "./order-numbers.ts";
export {
  connectionOf,
  ecommerceSettingsView,
  getEcommerceSettings,
  isConfigured,
  updateEcommerceSettings,
  type EcommerceSettings,
} from "./settings.ts";
export { ecommerceStatus, testCustomerLookup, testEcommerceConnection, testOrderLookup } from "./test-lookups.ts";
