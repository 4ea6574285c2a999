/** Every permission string of the API contract (spec §2). */
export const PERMISSIONS = [
  "conversations:read",
  "conversations:read_all",
  "conversations:read_assigned",
  "conversations:read_unassigned",
  "conversations:read_team_inbox",
  "conversations:read_team_all",
  "conversations:write",
  "conversations:update_status",
  "conversations:update_priority",
  "conversations:update_tags",
  "conversations:update_user_assignee",
  "conversations:update_team_assignee",
  "messages:read",
  "messages:write",
  "messages:write_as_contact",
  "contacts:read",
  "contacts:read_all",
  "contacts:write",
  "contacts:block",
  "contact_notes:read",
  "contact_notes:write",
  "contact_notes:delete",
  "users:manage",
  "teams:manage",
  "roles:manage",
  "inboxes:manage",
  "macros:manage",
  "tags:manage",
  "status:manage",
  "oidc:manage",
  "ai:manage",
  "general_settings:manage",
  "custom_attributes:manage",
  "view:manage",
  "shared_views:manage",
  "notification_settings:manage",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const known = new Set<string>(PERMISSIONS);
export const isPermission = (value: string): value is Permission => known.has(value);

/** Default Agent role: work the conversations they can see, contacts and notes (spec §2). */
export const AGENT_PERMISSIONS: Permission[] = [
  "conversations:read",
  "conversations:read_assigned",
  "conversations:read_unassigned",
  "conversations:read_team_inbox",
  "conversations:write",
  "conversations:update_status",
  "conversations:update_priority",
  "conversations:update_tags",
  "conversations:update_user_assignee",
  "conversations:update_team_assignee",
  "messages:read",
  "messages:write",
  "contacts:read",
  "contacts:write",
  "contact_notes:read",
  "contact_notes:write",
];
