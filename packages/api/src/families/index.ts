import type { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { agentsFamily } from "./agents.ts";
import { aiFamily } from "./ai.ts";
import { authRoutes } from "./auth.ts";
import { config } from "./config.ts";
import { contactsFamily } from "./contacts.ts";
import { conversationsFamily } from "./conversations.ts";
import { customAttributesFamily } from "./custom-attributes.ts";
import { domainsFamily } from "./domains.ts";
import { ecommerceFamily } from "./ecommerce.ts";
import { health } from "./health.ts";
import { inboxesFamily } from "./inboxes.ts";
import { macrosFamily } from "./macros.ts";
import { mediaFamily } from "./media.ts";
import { messagesFamily } from "./messages.ts";
import { notificationsFamily } from "./notifications.ts";
import { oidcFamily } from "./oidc.ts";
import { pciFamily } from "./pci.ts";
import { platformFamily } from "./platform/index.ts";
import { ragFamily } from "./rag.ts";
import { searchFamily } from "./search.ts";
import { settingsFamily } from "./settings.ts";
import { signupFamily } from "./signup.ts";
import { slaFamily } from "./sla.ts";
import { statusesFamily } from "./statuses.ts";
import { viewsFamily } from "./views.ts";
import { widgetFamily } from "./widget.ts";

/** Every endpoint family by name: the embedded server mounts them all; a Lambda imports only its own. */
export const FAMILIES = {
  health,
  config,
  settings: settingsFamily,
  pci: pciFamily,
  auth: authRoutes,
  statuses: statusesFamily,
  "custom-attributes": customAttributesFamily,
  macros: macrosFamily,
  views: viewsFamily,
  // Before conversations: `/api/v1/conversations/:uuid` would otherwise capture `/api/v1/conversations/search`.
  search: searchFamily,
  conversations: conversationsFamily,
  messages: messagesFamily,
  oidc: oidcFamily,
  agents: agentsFamily,
  contacts: contactsFamily,
  notifications: notificationsFamily,
  inboxes: inboxesFamily,
  media: mediaFamily,
  ecommerce: ecommerceFamily,
  rag: ragFamily,
  ai: aiFamily,
  widget: widgetFamily,
  sla: slaFamily,
  domains: domainsFamily,
  signup: signupFamily,
  platform: platformFamily,
} satisfies Record<string, Hono<AppEnv>>;

export type FamilyName = keyof typeof FAMILIES;
