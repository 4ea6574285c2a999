import { and, eq, isNull } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import { priorities, statuses } from "../status/status.sql.ts";
import { tags } from "../tag/tag.sql.ts";
import { teamIdsByRef } from "../team/index.ts";
import { users } from "../user/user.sql.ts";

export const MACRO_ACTION_TYPES = [
  "set_status",
  "set_priority",
  "add_tag",
  "remove_tag",
  "set_tags",
  "assign_user",
  "assign_team",
  "unassign_user",
  "unassign_team",
] as const;
export type MacroActionType = (typeof MACRO_ACTION_TYPES)[number];

/** A checked action, its value resolved to the workspace's canonical reference (ids; tag names as stored). */
export type ResolvedMacroAction =
  | { type: "set_status" | "set_priority" | "assign_user" | "assign_team"; value: number }
  | { type: "add_tag" | "remove_tag"; value: string }
  | { type: "set_tags"; value: string[] }
  | { type: "unassign_user" | "unassign_team"; value: null };

export type RawMacroAction = { type: string; value?: unknown };

export const MAX_MACRO_ACTIONS = 30;
const MAX_TAGS = 50;
/** Several tags may be added or removed; any other action twice would contradict itself. */
const REPEATABLE = new Set<MacroActionType>(["add_tag", "remove_tag"]);
const isActionType = (type: string): type is MacroActionType =>
  (MACRO_ACTION_TYPES as readonly string[]).includes(type);

type Scope = Pick<Ctx, "db" | "tenantId">;

/**
 * Checks macro actions against this workspace (statuses, tags, agents and teams must exist in it) and
 * resolves names to canonical references. A failure is a 400 naming `actions[i].type` or `actions[i].value`.
 */
export async function resolveActions(ctx: Scope, actions: RawMacroAction[]): Promise<ResolvedMacroAction[]> {
  if (actions.length > MAX_MACRO_ACTIONS) throw new InputError(`actions: at most ${MAX_MACRO_ACTIONS} actions`);
  const lookups = workspaceLookups(ctx);
  const seen = new Set<MacroActionType>();
  const out: ResolvedMacroAction[] = [];
  for (const [i, action] of actions.entries()) {
    const at = `actions[${i}]`;
    if (!isActionType(action.type)) throw new InputError(`${at}.type: unknown action type "${action.type}"`);
    if (seen.has(action.type) && !REPEATABLE.has(action.type)) {
      throw new InputError(`${at}.type: only one ${action.type} action per macro`);
    }
    seen.add(action.type);
    out.push(await resolveOne(lookups, action.type, action.value, `${at}.value`));
  }
  return out;
}

async function resolveOne(
  lookups: Lookups,
  type: MacroActionType,
  raw: unknown,
  at: string,
): Promise<ResolvedMacroAction> {
  // LibreDesk's UI sends every value as an array of strings: ["3"] for a single one.
  const value = type !== "set_tags" && Array.isArray(raw) && raw.length <= 1 ? raw[0] : raw;
  switch (type) {
    case "set_status":
      return { type, value: await lookups.status(value, at) };
    case "set_priority":
      return { type, value: await lookups.priority(value, at) };
    case "add_tag":
    case "remove_tag":
      return { type, value: await lookups.tag(value, at) };
    case "set_tags": {
      if (!Array.isArray(value) || value.length > MAX_TAGS) {
        throw new InputError(`${at}: must be an array of at most ${MAX_TAGS} tag names`);
      }
      const names: string[] = [];
      for (const [j, name] of value.entries()) names.push(await lookups.tag(name, `${at}[${j}]`));
      return { type, value: [...new Set(names)] };
    }
    case "assign_user":
      return { type, value: await lookups.agent(value, at) };
    case "assign_team":
      return { type, value: await lookups.team(value, at) };
    case "unassign_user":
    case "unassign_team":
      if (value !== undefined && value !== null && value !== "") throw new InputError(`${at}: ${type} takes no value`);
      return { type, value: null };
  }
}

/** A positive integer given as a number or a string of digits. */
function idOf(value: unknown): number | null {
  const n = typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : null;
}

const sameName = (a: string, b: unknown) => typeof b === "string" && a.toLowerCase() === b.trim().toLowerCase();
const shown = (value: unknown) => JSON.stringify(value) ?? "nothing";

type Lookups = ReturnType<typeof workspaceLookups>;

/** Reference checks against the workspace; statuses, priorities and tags are read once per call. */
function workspaceLookups(ctx: Scope) {
  const once = <T>(load: () => Promise<T>) => {
    let loaded: Promise<T> | undefined;
    return () => (loaded ??= load());
  };
  const statusList = once(() =>
    ctx.db.select({ id: statuses.id, name: statuses.name }).from(statuses).where(eq(statuses.tenantId, ctx.tenantId)),
  );
  const priorityList = once(() => ctx.db.select({ id: priorities.id, name: priorities.name }).from(priorities));
  const tagList = once(() => ctx.db.select({ name: tags.name }).from(tags).where(eq(tags.tenantId, ctx.tenantId)));
  return {
    async status(value: unknown, at: string): Promise<number> {
      const id = idOf(value);
      const hit = (await statusList()).find((s) => (id !== null ? s.id === id : sameName(s.name, value)));
      if (!hit) throw new InputError(`${at}: no status ${shown(value)} in this workspace`);
      return hit.id;
    },
    async priority(value: unknown, at: string): Promise<number> {
      const id = idOf(value);
      const hit = (await priorityList()).find((p) => (id !== null ? p.id === id : sameName(p.name, value)));
      if (!hit) throw new InputError(`${at}: must be Low, Medium, High, Urgent or 1 to 4`);
      return hit.id;
    },
    async tag(value: unknown, at: string): Promise<string> {
      const hit = (await tagList()).find((t) => sameName(t.name, value));
      if (!hit) throw new InputError(`${at}: no tag ${shown(value)} in this workspace`);
      return hit.name;
    },
    async agent(value: unknown, at: string): Promise<number> {
      const id = idOf(value);
      const enabledAgent = and(eq(users.type, "agent"), eq(users.enabled, true), isNull(users.deletedAt));
      const [hit] =
        id === null
          ? []
          : await ctx.db
              .select({ id: users.id })
              .from(users)
              .where(and(eq(users.id, id), eq(users.tenantId, ctx.tenantId), enabledAgent));
      if (!hit) throw new InputError(`${at}: no agent with id ${shown(value)} in this workspace`);
      return hit.id;
    },
    async team(value: unknown, at: string): Promise<number> {
      const id = idOf(value);
      if (id === null) throw new InputError(`${at}: must be a team id`);
      const [teamId] = await teamIdsByRef(ctx, [id], at);
      return teamId!;
    },
  };
}
