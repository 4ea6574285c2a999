import type { Component } from "vue";
import type { RouteRecordRaw } from "vue-router";

/** The admin navigation's groups, in order; a group with no section the user may open is not shown. */
export const ADMIN_GROUPS = ["workspace", "people", "channels", "conversations", "ai"] as const;
export type AdminGroup = (typeof ADMIN_GROUPS)[number];

/**
 * One screen of the admin console, at `/admin/<path>`. It is in the user's navigation only when they hold
 * `permission` (the one the API's routes behind it require); opened without it, the console says so instead of
 * showing it. `children` are its own sub-pages (`/admin/agents/:id`), under the same permission.
 */
export type AdminSection = {
  name: string;
  path: string;
  group: AdminGroup;
  /** An i18n key: the section's title in the navigation and on its page. */
  label: string;
  permission: string;
  component: () => Promise<Component | { default: Component }>;
  children?: RouteRecordRaw[];
};

/** Every admin screen, in navigation order within its group. Each area adds its own entries here. */
export const ADMIN_SECTIONS: AdminSection[] = [
  // People: agents, teams and roles (features/admin/people).
  {
    name: "agents",
    path: "agents",
    group: "people",
    label: "web.people.agents",
    permission: "users:manage",
    component: () => import("./people/AgentsPage.vue"),
  },
  {
    name: "teams",
    path: "teams",
    group: "people",
    label: "web.people.teams",
    permission: "teams:manage",
    component: () => import("./people/TeamsPage.vue"),
  },
  {
    name: "roles",
    path: "roles",
    group: "people",
    label: "web.people.roles",
    permission: "roles:manage",
    component: () => import("./people/RolesPage.vue"),
  },
  // Channels: email and live-chat inboxes (features/admin/channels).
  {
    name: "inboxes",
    path: "inboxes",
    group: "channels",
    label: "web.channels.title",
    permission: "inboxes:manage",
    component: () => import("./channels/InboxesPage.vue"),
    children: [
      {
        path: "inboxes/new/:channel(email|livechat)",
        name: "admin.inboxes.new",
        component: () => import("./channels/InboxEditPage.vue"),
      },
      {
        path: "inboxes/:id(\\d+)",
        name: "admin.inboxes.edit",
        component: () => import("./channels/InboxEditPage.vue"),
      },
    ],
  },
  // Workspace and AI: settings, single sign-on, AI providers and the knowledge base (features/admin/settings).
  {
    name: "general",
    path: "general",
    group: "workspace",
    label: "web.settings.general.title",
    permission: "general_settings:manage",
    component: () => import("./settings/GeneralPage.vue"),
  },
  {
    name: "notification-mail",
    path: "notification-mail",
    group: "workspace",
    label: "web.settings.mail.title",
    permission: "notification_settings:manage",
    component: () => import("./settings/NotificationMailPage.vue"),
  },
  {
    name: "sso",
    path: "sso",
    group: "workspace",
    label: "web.settings.sso.title",
    permission: "oidc:manage",
    component: () => import("./settings/SsoPage.vue"),
  },
  {
    name: "pci",
    path: "pci",
    group: "workspace",
    label: "web.settings.pci.title",
    permission: "general_settings:manage",
    component: () => import("./settings/PciPage.vue"),
  },
  // Custom domains (features/admin/settings/DomainsPage.vue).
  {
    name: "domains",
    path: "domains",
    group: "workspace",
    label: "web.domains.title",
    permission: "general_settings:manage",
    component: () => import("./settings/DomainsPage.vue"),
  },
  {
    name: "ecommerce",
    path: "ecommerce",
    group: "workspace",
    label: "web.settings.store.title",
    permission: "general_settings:manage",
    component: () => import("./settings/EcommercePage.vue"),
  },
  {
    name: "usage",
    path: "usage",
    group: "workspace",
    label: "web.usage.title",
    permission: "general_settings:manage",
    component: () => import("./settings/UsagePage.vue"),
  },
  {
    name: "export",
    path: "export",
    group: "workspace",
    label: "web.export.title",
    permission: "general_settings:manage",
    component: () => import("./settings/ExportPage.vue"),
  },
  {
    name: "ai-providers",
    path: "ai/providers",
    group: "ai",
    label: "web.settings.ai.providers.title",
    permission: "ai:manage",
    component: () => import("./settings/AiProvidersPage.vue"),
  },
  {
    name: "ai-settings",
    path: "ai/settings",
    group: "ai",
    label: "web.settings.ai.settings.title",
    permission: "ai:manage",
    component: () => import("./settings/AiSettingsPage.vue"),
  },
  {
    name: "knowledge",
    path: "ai/knowledge",
    group: "ai",
    label: "web.settings.knowledge.title",
    permission: "ai:manage",
    component: () => import("./settings/KnowledgePage.vue"),
  },
  // Conversations: statuses, tags, custom attributes, macros, shared views (features/admin/workflow).
  {
    name: "statuses",
    path: "statuses",
    group: "conversations",
    label: "web.workflow.statuses.title",
    permission: "status:manage",
    component: () => import("./workflow/StatusesPage.vue"),
  },
  {
    name: "tags",
    path: "tags",
    group: "conversations",
    label: "web.workflow.tags.title",
    permission: "tags:manage",
    component: () => import("./workflow/TagsPage.vue"),
  },
  {
    name: "custom-attributes",
    path: "custom-attributes",
    group: "conversations",
    label: "web.workflow.attributes.title",
    permission: "custom_attributes:manage",
    component: () => import("./workflow/AttributesPage.vue"),
  },
  {
    name: "macros",
    path: "macros",
    group: "conversations",
    label: "web.workflow.macros.title",
    permission: "macros:manage",
    component: () => import("./workflow/MacrosPage.vue"),
  },
  {
    name: "shared-views",
    path: "shared-views",
    group: "conversations",
    label: "web.workflow.views.title",
    permission: "shared_views:manage",
    component: () => import("./workflow/SharedViewsPage.vue"),
  },
];
