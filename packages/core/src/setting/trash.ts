import type { Db } from "../port/database.ts";
import { getSetting, mergeSetting } from "./index.ts";

/**
 * A workspace's trash retention (LibreDesk's `trash.*` settings), in days; 0 turns a rule off. The
 * retention job (conversation/retention.ts) applies them:
 * - `auto_trash_resolved_days`: a conversation Resolved that long moves to the trash;
 * - `auto_trash_spam_days`: a conversation in Spam that long moves to the trash;
 * - `auto_delete_days`: a conversation in the trash that long is deleted for good.
 */
export type TrashSettings = {
  auto_trash_resolved_days: number;
  auto_trash_spam_days: number;
  auto_delete_days: number;
};

export const TRASH_SETTINGS_KEY = "trash";
export const TRASH_SETTING_NAMES = ["auto_trash_resolved_days", "auto_trash_spam_days", "auto_delete_days"] as const;
/** Up to ten years; 0 is off. */
export const RETENTION_DAYS = { min: 0, max: 3650 } as const;

/** Every rule off: nothing is moved or deleted until an admin says so. */
const DEFAULTS: TrashSettings = { auto_trash_resolved_days: 0, auto_trash_spam_days: 0, auto_delete_days: 0 };

export async function getTrashSettings(db: Db, tenantId: number): Promise<TrashSettings> {
  return { ...DEFAULTS, ...(await getSetting<Partial<TrashSettings>>(db, tenantId, TRASH_SETTINGS_KEY)) };
}

/** Merges a validated partial update into what is stored (one statement) and returns the resulting settings. */
export async function updateTrashSettings(
  db: Db,
  tenantId: number,
  patch: Partial<TrashSettings>,
): Promise<TrashSettings> {
  return { ...DEFAULTS, ...(await mergeSetting<TrashSettings>(db, tenantId, TRASH_SETTINGS_KEY, patch)) };
}
