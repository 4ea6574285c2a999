import type { AVAILABILITIES } from "../user/user.sql.ts";

type Availability = (typeof AVAILABILITIES)[number];

/**
 * LibreDesk's availability statuses, each with the HelperIQ availability it is. `away` is LibreDesk's
 * "away for inactivity" (its UI turns it back to online on activity), `away_manual` away by choice;
 * `away_and_reassigning` is away by choice too (HelperIQ does not reassign replies).
 */
export const AVAILABILITY_STATUSES = {
  online: "online",
  away: "away",
  away_manual: "away",
  away_and_reassigning: "away",
  offline: "offline",
} as const satisfies Record<string, Availability>;
export type AvailabilityStatus = keyof typeof AVAILABILITY_STATUSES;
export const AVAILABILITY_STATUS_NAMES = Object.keys(AVAILABILITY_STATUSES) as [
  AvailabilityStatus,
  ...AvailabilityStatus[],
];

/** Where the last status an agent chose is kept (in `users.preferences`): the availability column holds only its coarse form. */
export const STATUS_PREFERENCE = "availability_status";

/**
 * The status LibreDesk's UI reads: the one last chosen while it still agrees with the availability (which
 * other paths, such as sign-out, may have changed since), otherwise the availability itself.
 */
export function availabilityStatus(
  availability: Availability,
  preferences: Record<string, unknown>,
): AvailabilityStatus {
  const chosen = preferences[STATUS_PREFERENCE];
  return typeof chosen === "string" &&
    Object.hasOwn(AVAILABILITY_STATUSES, chosen) &&
    AVAILABILITY_STATUSES[chosen as AvailabilityStatus] === availability
    ? (chosen as AvailabilityStatus)
    : availability;
}
