import { computed } from "vue";
import { useI18n } from "vue-i18n";
import type { RouteLocationRaw } from "vue-router";
import { useLookupsStore } from "../../stores/lookups.ts";
import { useSessionStore } from "../../stores/session.ts";
import { ADMIN_SECTIONS } from "../admin/sections.ts";

export type InboxLink = { key: string; label: string; to: RouteLocationRaw };

/** The fixed conversation lists, in the sidebar's order, each with the permission its API route needs. */
export const INBOX_LISTS = [
  { list: "assigned", permission: "conversations:read_assigned" },
  { list: "unassigned", permission: "conversations:read_unassigned" },
  { list: "all", permission: "conversations:read_all" },
  { list: "mentioned", permission: "conversations:read" },
] as const;

/**
 * Where `/` leads: the first conversation list the agent may open, else the admin console if they may open any
 * of it, else their account (a role without "My inbox" must not land on a list the API refuses them).
 */
export function homeRoute(can: (permission: string) => boolean): RouteLocationRaw {
  const first = INBOX_LISTS.find((l) => can(l.permission));
  if (first) return { name: "inbox", params: { list: first.list } };
  return ADMIN_SECTIONS.some((section) => can(section.permission)) ? { name: "admin" } : { name: "account" };
}

/**
 * The conversation lists the agent may open: the fixed inboxes (by permission), their teams' queues and
 * their own and shared views. The sidebar lists them; the command palette offers them as quick actions.
 */
export function useInboxLinks() {
  const { t } = useI18n();
  const session = useSessionStore();
  const lookups = useLookupsStore();

  const labels = computed<Record<(typeof INBOX_LISTS)[number]["list"], string>>(() => ({
    assigned: t("globals.terms.myInbox", 1),
    unassigned: t("globals.terms.unassigned"),
    all: t("web.inbox.all"),
    mentioned: t("globals.terms.mention", 2),
  }));
  const inboxes = computed<InboxLink[]>(() =>
    INBOX_LISTS.filter(({ permission }) => session.can(permission)).map(({ list }) => ({
      key: list,
      label: labels.value[list],
      to: { name: "inbox", params: { list } },
    })),
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
