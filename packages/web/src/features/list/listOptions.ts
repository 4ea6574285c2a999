import type { LocationQuery } from "vue-router";
import type { ListPageOptions } from "../conversations/inboxStore.ts";
import { filtersOf, filtersParam } from "./listQuery.ts";
import { SORTS, sortOf } from "./sorts.ts";

/** The URL's filters and sort as a list load takes them (`filters` re-serialised: only well-formed conditions). */
export function listOptionsOf(query: LocationQuery): Pick<ListPageOptions, "filters" | "orderBy" | "order"> {
  const { orderBy, order } = SORTS[sortOf(query.sort)];
  return { filters: filtersParam(filtersOf(query)), orderBy, order };
}
