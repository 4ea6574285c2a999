import { can, systemCtx, type Ctx } from "../context/index.ts";
import { PermissionError } from "../errors/index.ts";
import { recordMacroUse, resolveMacroActions, type ResolvedMacroAction } from "../macro/index.ts";
import type { Permission } from "../role/permissions.ts";
import { assignTeam, assignUser } from "./assign.ts";
import { setPriority } from "./fields.ts";
import { getConversation, visibleConversationId, type ConversationDetail, type ConversationRef } from "./get.ts";
import { setStatus } from "./status.ts";
import { changeTags } from "./tags.ts";

/** The permission each macro action needs: the one of the route doing the same change. */
const NEEDS: Record<ResolvedMacroAction["type"], Permission> = {
  set_status: "conversations:update_status",
  set_priority: "conversations:update_priority",
  add_tag: "conversations:update_tags",
  remove_tag: "conversations:update_tags",
  set_tags: "conversations:update_tags",
  assign_user: "conversations:update_user_assignee",
  unassign_user: "conversations:update_user_assignee",
  assign_team: "conversations:update_team_assignee",
  unassign_team: "conversations:update_team_assignee",
};

function apply(ctx: Ctx, target: { id: number }, action: ResolvedMacroAction): Promise<boolean> {
  switch (action.type) {
    case "set_status":
      return setStatus(ctx, target, { status: action.value });
    case "set_priority":
      return setPriority(ctx, target, action.value);
    case "add_tag":
      return changeTags(ctx, target, (tags) => [...tags, action.value]);
    case "remove_tag":
      return changeTags(ctx, target, (tags) => tags.filter((t) => t.toLowerCase() !== action.value.toLowerCase()));
    case "set_tags":
      return changeTags(ctx, target, () => action.value);
    case "assign_user":
      return assignUser(ctx, target, action.value);
    case "unassign_user":
      return assignUser(ctx, target, null);
    case "assign_team":
      return assignTeam(ctx, target, action.value);
    case "unassign_team":
      return assignTeam(ctx, target, null);
  }
}

/**
 * Runs a macro's actions on a visible conversation through the same operations as the routes (each
 * publishes its own effects once committed). Every action's permission is checked before the first one
 * runs, so a forbidden action applies nothing. Returns the conversation as it is now (read as the
 * workspace: an action may have assigned it away).
 */
export async function applyMacro(ctx: Ctx, ref: ConversationRef, macroId: number): Promise<ConversationDetail> {
  const id = await visibleConversationId(ctx, ref);
  const actions = await resolveMacroActions(ctx, macroId);
  const denied = actions.find((a) => !can(ctx.actor, NEEDS[a.type]));
  if (denied) throw new PermissionError(`This macro's ${denied.type} action needs ${NEEDS[denied.type]}`);
  for (const action of actions) await apply(ctx, { id }, action);
  await recordMacroUse(ctx, macroId);
  return getConversation(systemCtx(ctx, ctx.tenantId), ref);
}
