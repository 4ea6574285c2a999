import { computed } from "vue";
import { useI18n } from "vue-i18n";
import type { RouteLocationRaw } from "vue-router";
import { useLookupsStore } from "../../stores/lookups.ts";
import { useSessionStore } from "../../stores/session.ts";

export type InboxLink = { key: string; label: string; to: RouteLocationRaw };

/**
 * The conversation lists the agent may open: the fixed inboxes (by permission), their teams' queues and
 * their own and shared views. The sidebar lists them; the command palette offers them as quick actions.
 */
export function useInboxLinks() {
  const { t } = useI18n();
  const session = useSessionStore();
  const lookups = useLookupsStore();

  const inboxes = computed<InboxLink[]>(() =>
    (
      [
        ["assigned", "conversations:read_assigned", t("globals.terms.myInbox", 1)],
        ["unassigned", "conversations:read_unassigned", t("globals.terms.unassigned")],
        ["all", "conversations:read_all", t("web.inbox.all")],
        ["mentioned", "conversations:read", t("globals.terms.mention", 2)],
      ] as const
    )
      .filter(([, permission]) => session.can(permission))
      .map(([list, , label]) => ({ key: list, label, to: { name: "inbox", params: { list } } })),
  );
  const teams = computed<InboxLink[]>(() =>
    session.can("conversations:read_team_inbox")
      ? lookups.teams.map((team) => ({
          key: `team-${team.id}`,
          label: team.name,
          to: { name: "team", params: { teamId: team.id } },
        }))
      : [],
  );
  const views = computed<InboxLink[]>(() =>
    [...lookups.myViews, ...lookups.sharedViews].map((view) => ({
      key: `view-${view.id}`,
      label: view.name,
      to: { name: "view", params: { viewId: view.id } },
    })),
  );
  return { inboxes, teams, views };
}
