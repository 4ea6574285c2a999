import { defineStore } from "pinia";
import { computed, ref } from "vue";

/**
 * The rows ticked for a bulk change, by uuid. A reactive Set tracks `has(uuid)` per uuid, so ticking one row
 * re-renders that row and the bulk bar, not the whole page of rows.
 */
export const useSelectionStore = defineStore("listSelection", () => {
  const selected = ref(new Set<string>());
  const count = computed(() => selected.value.size);
  const has = (uuid: string) => selected.value.has(uuid);
  function toggle(uuid: string, on: boolean) {
    if (on) selected.value.add(uuid);
    else selected.value.delete(uuid);
  }
  function setAll(uuids: string[], on: boolean) {
    for (const uuid of uuids) toggle(uuid, on);
  }
  /** After the page changed: only rows still on it stay ticked. */
  function keepOnly(uuids: string[]) {
    const onPage = new Set(uuids);
    for (const uuid of [...selected.value]) if (!onPage.has(uuid)) selected.value.delete(uuid);
  }
  const clear = () => selected.value.clear();
  return { selected, count, has, toggle, setAll, keepOnly, clear };
});
