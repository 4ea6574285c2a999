import type { AdminMacro } from "../../../api/workflow.ts";

/** The API's macro action types (core/macro/actions.ts MACRO_ACTION_TYPES), in the order the builder offers them. */
export const ACTION_TYPES = [
  "set_status",
  "set_priority",
  "assign_user",
  "assign_team",
  "add_tag",
  "remove_tag",
  "set_tags",
  "unassign_user",
  "unassign_team",
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** What an action's value is chosen from; the unassign actions take none. */
export type ValueSource = "statuses" | "priorities" | "agents" | "teams" | "tags" | "none";
export const SOURCE_OF: Record<ActionType, ValueSource> = {
  set_status: "statuses",
  set_priority: "priorities",
  assign_user: "agents",
  assign_team: "teams",
  add_tag: "tags",
  remove_tag: "tags",
  set_tags: "tags",
  unassign_user: "none",
  unassign_team: "none",
};
/** Tags are named by name (as the API stores them); the rest by id. */
export type Choice = { value: number | string; label: string };
export type Choices = Record<Exclude<ValueSource, "none">, Choice[]>;

/** An action being edited: `value` an id, a tag name, tag names (set_tags), or null. */
export type DraftAction = { key: number; type: ActionType; value: number | string | string[] | null };

let nextKey = 1;
/** Only add_tag and remove_tag may repeat (the API refuses a second of any other type). */
const REPEATABLE = new Set<ActionType>(["add_tag", "remove_tag"]);

export function firstValue(type: ActionType, choices: Choices): DraftAction["value"] {
  const source = SOURCE_OF[type];
  if (source === "none") return null;
  if (type === "set_tags") return [];
  return choices[source][0]?.value ?? null;
}

/** A new action of the first type the macro does not have yet. */
export function newAction(taken: DraftAction[], choices: Choices): DraftAction {
  const used = new Set(taken.map((a) => a.type));
  const type = ACTION_TYPES.find((t) => REPEATABLE.has(t) || !used.has(t)) ?? "add_tag";
  return { key: nextKey++, type, value: firstValue(type, choices) };
}

const isType = (type: string): type is ActionType => (ACTION_TYPES as readonly string[]).includes(type);

/** A saved macro's actions as drafts (ACTION_TYPES is the API's whole list: nothing is dropped). */
export function draftsOf(actions: AdminMacro["actions"]): DraftAction[] {
  return actions.flatMap((a) =>
    isType(a.type) ? [{ key: nextKey++, type: a.type, value: (a.value ?? null) as DraftAction["value"] }] : [],
  );
}

export const toActions = (drafts: DraftAction[]) => drafts.map(({ type, value }) => ({ type, value }));
