import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { api, type AgentSummary, type Priority, type Status, type Team, type View } from "../api/index.ts";
import { personName } from "../composables/format.ts";

/** The workspace's small reference lists the signed-in screens share, loaded once per session. */
export const useLookupsStore = defineStore("lookups", () => {
  const statuses = ref<Status[]>([]);
  const priorities = ref<Priority[]>([]);
  const agents = ref<AgentSummary[]>([]);
  const teams = ref<Team[]>([]);
  const myViews = ref<View[]>([]);
  const sharedViews = ref<View[]>([]);
  const loaded = ref(false);

  let loading: Promise<void> | undefined;
  function load() {
    loading ??= Promise.all([
      api.statuses(),
      api.priorities(),
      api.agents(),
      api.myTeams(),
      api.myViews(),
      api.sharedViews(),
    ])
      .then(([s, p, a, t, mine, shared]) => {
        statuses.value = [...s].sort((x, y) => x.sort_order - y.sort_order);
        priorities.value = p;
        agents.value = a;
        teams.value = t;
        myViews.value = mine;
        sharedViews.value = shared;
        loaded.value = true;
      })
      .catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
    return loading;
  }

  const agentsById = computed(() => new Map(agents.value.map((a) => [a.id, a])));
  const statusByName = computed(() => new Map(statuses.value.map((s) => [s.name, s])));
  const agentName = (id: number | null) => (id === null ? "" : personName(agentsById.value.get(id)));

  function $reset() {
    statuses.value = [];
    priorities.value = [];
    agents.value = [];
    teams.value = [];
    myViews.value = [];
    sharedViews.value = [];
    loaded.value = false;
    loading = undefined;
  }

  return { statuses, priorities, agents, teams, myViews, sharedViews, loaded, load, agentName, statusByName, $reset };
});
