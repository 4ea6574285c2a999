import { ApiError } from "../../../api/index.ts";

/**
 * The message to show for a failed call: the API's own words (its field prefix dropped when the message sits
 * next to that field), or `fallback` when no answer came.
 */
export function messageOf(err: unknown, fallback: string): string {
  return err instanceof ApiError && err.type !== "NetworkError" ? err.detail : fallback;
}

/** `actions[2].value` → 2: the row of a list field a 400 names, if it names one of `list`. */
export function rowOf(err: unknown, list: string): number | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const match = new RegExp(`^${list}\\[(\\d+)\\]`).exec(err.field ?? "");
  return match ? Number(match[1]) : undefined;
}
