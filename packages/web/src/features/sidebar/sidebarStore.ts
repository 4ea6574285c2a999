import { defineStore } from "pinia";
import { ref } from "vue";
import { type CustomAttribute, sidebarApi, type Tag, type TeamCompact } from "../../api/sidebar.ts";

/**
 * The workspace lists only the sidebar needs, loaded once per session: every team (an agent may assign to a
 * team they are not in), the tags, the custom attribute definitions and whether a store is connected.
 */
export const useSidebarStore = defineStore("sidebar", () => {
  const teams = ref<TeamCompact[]>([]);
  const tags = ref<Tag[]>([]);
  const attributes = ref<CustomAttribute[]>([]);
  const ecommerce = ref(false);
  let loading: Promise<void> | undefined;

  function load() {
    loading ??= Promise.all([
      sidebarApi.teams(),
      sidebarApi.tags(),
      sidebarApi.attributes(),
      sidebarApi.ecommerceStatus(),
    ])
      .then(([tm, tg, attrs, store]) => {
        teams.value = tm;
        tags.value = tg;
        attributes.value = attrs;
        ecommerce.value = store.enabled && store.configured;
      })
      .catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
    return loading;
  }

  /** A tag made from the sidebar joins the list at once. */
  function addTag(tag: Tag) {
    if (!tags.value.some((t) => t.id === tag.id))
      tags.value = [...tags.value, tag].sort((a, b) => a.name.localeCompare(b.name));
  }

  function $reset() {
    teams.value = [];
    tags.value = [];
    attributes.value = [];
    ecommerce.value = false;
    loading = undefined;
  }

  return { teams, tags, attributes, ecommerce, load, addTag, $reset };
});
