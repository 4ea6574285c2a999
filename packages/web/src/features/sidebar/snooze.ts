/**
 * Snooze choices as the API takes them: a duration from now in whole minutes ("90m"). "Tomorrow" and "next
 * week" mean 09:00 local time (next week: the coming Monday), as an agent plans their day.
 */
export type SnoozeChoice = "1h" | "3h" | "tomorrow" | "nextWeek";

const MORNING_HOUR = 9;

export function snoozeTarget(choice: SnoozeChoice, now = new Date()): Date {
  if (choice === "1h") return new Date(now.getTime() + 3600_000);
  if (choice === "3h") return new Date(now.getTime() + 3 * 3600_000);
  const target = new Date(now);
  target.setHours(MORNING_HOUR, 0, 0, 0);
  const days = choice === "tomorrow" ? 1 : (8 - now.getDay()) % 7 || 7;
  target.setDate(target.getDate() + days);
  return target;
}

/** The API's duration until `target`; a time already past gives "0m", which the API refuses with its own message. */
export function durationUntil(target: Date, now = new Date()): string {
  return `${Math.max(0, Math.ceil((target.getTime() - now.getTime()) / 60_000))}m`;
}
