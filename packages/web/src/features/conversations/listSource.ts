import type { RouteLocationNormalizedLoaded } from "vue-router";
import type { ListSource } from "../../api/index.ts";

/** The list a route shows (route names from router.ts: inbox, team, view and their `.conversation` children). */
export function listSourceOf(route: RouteLocationNormalizedLoaded): ListSource {
  const base = String(route.name ?? "").split(".")[0];
  if (base === "team") return { kind: "team", id: Number(route.params.teamId) };
  if (base === "view") return { kind: "view", id: Number(route.params.viewId) };
  const list = String(route.params.list);
  if (list === "assigned" || list === "unassigned" || list === "all" || list === "mentioned") return { kind: list };
  throw new Error(`no conversation list at ${route.fullPath}`);
}

/** The status filter of the list (`?status=`): a status name, `any`, or by default Open. */
export const DEFAULT_STATUS = "Open";
export const ANY_STATUS = "any";
