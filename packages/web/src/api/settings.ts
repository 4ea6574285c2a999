import { ApiError, call, upload } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Body, Data } from "./schema.ts";

/**
 * The admin console's workspace settings and AI screens (features/admin/settings): general, notification
 * mail, PCI, the store connection, single sign-on, AI providers and settings, and the knowledge base.
 * Secrets come back as the API's mask; sending the mask (or nothing) keeps the stored secret.
 */

export type GeneralSettings = Data<"GET", "/api/v1/settings/general">;
export type GeneralUpdate = Body<"PUT", "/api/v1/settings/general">;
export type NotificationMail = Data<"GET", "/api/v1/settings/notifications/email">;
export type NotificationMailUpdate = Body<"PUT", "/api/v1/settings/notifications/email">;
export type NotificationMailTest = Body<"POST", "/api/v1/settings/notifications/email/test">;
export type PciSettings = Data<"GET", "/api/v1/settings/pci">;
export type EcommerceSettings = Data<"GET", "/api/v1/ecommerce/settings">;
export type EcommerceUpdate = Body<"PUT", "/api/v1/ecommerce/settings">;
export type OidcProvider = Data<"GET", "/api/v1/oidc/:id">;
export type OidcInput = Body<"POST", "/api/v1/oidc">;
export type AiProvider = Data<"GET", "/api/v1/ai/providers">[number];
export type AiProviderType = AiProvider["type"];
export type AiModel = Data<"GET", "/api/v1/ai/models">[number];
export type AiSettings = Data<"GET", "/api/v1/settings/ai">;
export type AiInboxOverride = Data<"GET", "/api/v1/settings/ai/inbox/:id">;
export type AiInboxOverrideUpdate = Body<"PUT", "/api/v1/settings/ai/inbox/:id">;
export type RagSource = Data<"GET", "/api/v1/rag/sources/:id">;
export type RagSourceInput = Body<"POST", "/api/v1/rag/sources">;
export type RagUpload = Data<"POST", "/api/v1/rag/upload">;
export type RagHit = Data<"POST", "/api/v1/rag/search">[number];

/** What the API shows for a secret that is set: sent back, it means "keep the stored one". */
export const SECRET_MASK = "••••••••";

/** A knowledge file to the API (`POST /rag/upload`, multipart), reporting the share sent so far (0…1). */
export function uploadKnowledgeFile(file: File, onProgress: (sent: number) => void): Promise<RagUpload> {
  const form = new FormData();
  form.append("file", file);
  return upload(ENDPOINTS.ragUpload, form, { onProgress });
}

export const settingsApi = {
  general: () => call(ENDPOINTS.settingsGeneral),
  saveGeneral: (body: GeneralUpdate) => call(ENDPOINTS.saveSettingsGeneral, { body }),

  notificationMail: () => call(ENDPOINTS.settingsNotificationMail),
  saveNotificationMail: (body: NotificationMailUpdate) => call(ENDPOINTS.saveSettingsNotificationMail, { body }),
  testNotificationMail: (body: NotificationMailTest) => call(ENDPOINTS.testSettingsNotificationMail, { body }),

  pci: () => call(ENDPOINTS.settingsPci),
  savePci: (body: Body<"PUT", "/api/v1/settings/pci">) => call(ENDPOINTS.saveSettingsPci, { body }),

  ecommerce: () => call(ENDPOINTS.ecommerceSettings),
  saveEcommerce: (body: EcommerceUpdate) => call(ENDPOINTS.saveEcommerceSettings, { body }),
  testEcommerce: (body: Body<"POST", "/api/v1/ecommerce/test">) => call(ENDPOINTS.testEcommerce, { body }),
  testCustomer: (email: string) => call(ENDPOINTS.testEcommerceCustomer, { query: { email } }),
  async testOrder(number: string) {
    const answer = await call(ENDPOINTS.testEcommerceOrder, { query: { number } });
    // Asked with `number`, the route answers the probe's outcome (only LibreDesk's `order_number` gets the bare order).
    if (!("ok" in answer)) throw new ApiError(200, "GeneralError", "Unexpected answer to an order lookup");
    return answer;
  },

  oidcProviders: () => call(ENDPOINTS.oidcProviders),
  createOidc: (body: OidcInput) => call(ENDPOINTS.createOidcProvider, { body }),
  updateOidc: (id: number, body: Body<"PUT", "/api/v1/oidc/:id">) =>
    call(ENDPOINTS.updateOidcProvider, { params: { id }, body }),
  deleteOidc: (id: number) => call(ENDPOINTS.deleteOidcProvider, { params: { id } }),

  aiProviders: () => call(ENDPOINTS.aiProviders),
  aiProviderTypes: () => call(ENDPOINTS.aiProviderTypes),
  aiModels: (provider: AiProviderType) => call(ENDPOINTS.aiModels, { query: { provider } }),
  saveAiProvider: (body: Body<"PUT", "/api/v1/ai/provider">) => call(ENDPOINTS.saveAiProvider, { body }),
  defaultAiProvider: (type: AiProviderType | "local") => call(ENDPOINTS.defaultAiProvider, { body: { type } }),
  testAiProvider: (body: Body<"POST", "/api/v1/ai/provider/test">) => call(ENDPOINTS.testAiProvider, { body }),
  aiSettings: () => call(ENDPOINTS.aiSettings),
  saveAiSettings: (body: Body<"PUT", "/api/v1/settings/ai">) => call(ENDPOINTS.saveAiSettings, { body }),
  aiInboxOverride: (id: number) => call(ENDPOINTS.aiInboxOverride, { params: { id } }),
  saveAiInboxOverride: (id: number, body: AiInboxOverrideUpdate) =>
    call(ENDPOINTS.saveAiInboxOverride, { params: { id }, body }),
  deleteAiInboxOverride: (id: number) => call(ENDPOINTS.deleteAiInboxOverride, { params: { id } }),
  /** The inboxes, to pick one for an AI override (needs inboxes:manage). */
  inboxes: () => call(ENDPOINTS.settingsInboxes),

  ragSources: () => call(ENDPOINTS.ragSources),
  ragSource: (id: number) => call(ENDPOINTS.ragSource, { params: { id } }),
  createRagSource: (body: RagSourceInput) => call(ENDPOINTS.createRagSource, { body }),
  updateRagSource: (id: number, body: Body<"PUT", "/api/v1/rag/sources/:id">) =>
    call(ENDPOINTS.updateRagSource, { params: { id }, body }),
  deleteRagSource: (id: number) => call(ENDPOINTS.deleteRagSource, { params: { id } }),
  syncRagSource: (id: number) => call(ENDPOINTS.syncRagSource, { params: { id } }),
  ragSearch: (query: string, limit: number) => call(ENDPOINTS.ragSearch, { body: { query, limit } }),
};
