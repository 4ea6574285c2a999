import type { Permission } from "../../../api/people.ts";

/**
 * The permission matrix's rows. The API has no route listing permissions; it declares them as the enum of the
 * signed-in agent's `permissions` (openapi.json), which `Permission` reads. Keying this record by it makes
 * vue-tsc fail when the API adds or drops one, so the matrix never offers a string the API refuses nor hides one
 * it knows.
 */
const KNOWN: Record<Permission, true> = {
  "conversations:read": true,
  "conversations:read_all": true,
  "conversations:read_assigned": true,
  "conversations:read_unassigned": true,
  "conversations:read_team_inbox": true,
  "conversations:read_team_all": true,
  "conversations:write": true,
  "conversations:update_status": true,
  "conversations:update_priority": true,
  "conversations:update_tags": true,
  "conversations:update_user_assignee": true,
  "conversations:update_team_assignee": true,
  "messages:read": true,
  "messages:write": true,
  "messages:write_as_contact": true,
  "contacts:read": true,
  "contacts:read_all": true,
  "contacts:write": true,
  "contacts:block": true,
  "contacts:delete": true,
  "contact_notes:read": true,
  "contact_notes:write": true,
  "contact_notes:delete": true,
  "users:manage": true,
  "teams:manage": true,
  "roles:manage": true,
  "inboxes:manage": true,
  "macros:manage": true,
  "tags:manage": true,
  "status:manage": true,
  "oidc:manage": true,
  "ai:manage": true,
  "general_settings:manage": true,
  "custom_attributes:manage": true,
  "view:manage": true,
  "shared_views:manage": true,
  "notification_settings:manage": true,
};

export const PERMISSION_AREAS = ["conversations", "messages", "contacts", "admin"] as const;
export type PermissionArea = (typeof PERMISSION_AREAS)[number];

/** A permission's area from its prefix (`contact_notes:write` → contacts); every `…:manage` is the admin's. */
export function areaOf(permission: string): PermissionArea {
  const prefix = permission.split(":")[0];
  if (prefix === "conversations" || prefix === "messages") return prefix;
  if (prefix === "contacts" || prefix === "contact_notes") return "contacts";
  return "admin";
}

/** The matrix: each area with its permissions, in the API's order. */
export const PERMISSION_GROUPS = PERMISSION_AREAS.map((area) => ({
  area,
  permissions: (Object.keys(KNOWN) as Permission[]).filter((p) => areaOf(p) === area),
}));

/** The i18n key of a permission's label (`contact_notes:write` → `web.people.perm.contact_notes_write`). */
export const permissionLabelKey = (permission: string) => `web.people.perm.${permission.replace(":", "_")}`;
