import type { LocationQuery } from "vue-router";
import type { ListFilter } from "../../api/list.ts";

/**
 * A list's filters live in the URL (`?filters=` as the API's own JSON), so reload, back and a shared link keep
 * them. A value that is not such an array (a hand-edited URL) reads as no filters rather than breaking the page;
 * the API still checks every condition and answers 400 naming the one it refuses.
 */
export function filtersOf(query: LocationQuery): ListFilter[] {
  const raw = query.filters;
  if (typeof raw !== "string" || raw === "") return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isFilter) : [];
  } catch {
    return [];
  }
}

function isFilter(item: unknown): item is ListFilter {
  if (!item || typeof item !== "object") return false;
  const { field, operator } = item as Record<string, unknown>;
  return typeof field === "string" && typeof operator === "string";
}

/** The `?filters=` value for a set of conditions (absent when there are none). */
export function filtersParam(filters: ListFilter[]): string | undefined {
  return filters.length ? JSON.stringify(filters) : undefined;
}
