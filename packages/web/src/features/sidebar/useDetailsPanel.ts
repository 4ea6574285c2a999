import { useLocalStorage, useMediaQuery } from "@vueuse/core";
import { computed, ref } from "vue";

/** From this width the details sit beside the thread (app sidebar 240 + list 320 + thread ≥ 560 + details 288). */
export const DOCKED_DETAILS_QUERY = "(min-width: 1440px)";

/**
 * Where the conversation's details panel is and whether it shows. At ≥ 1440 px it is docked beside the thread,
 * shown unless the agent collapsed it (remembered in localStorage across conversations and reloads); below, it is a
 * drawer over the thread, closed until the header's toggle opens it (not remembered: it covers the thread).
 */
export function useDetailsPanel() {
  const wide = useMediaQuery(DOCKED_DETAILS_QUERY);
  const dockedShown = useLocalStorage("helperiq.details.docked", true);
  const drawerOpen = ref(false);
  const docked = computed(() => wide.value && dockedShown.value);
  const expanded = computed(() => (wide.value ? dockedShown.value : drawerOpen.value));
  const toggle = () => {
    if (wide.value) dockedShown.value = !dockedShown.value;
    else drawerOpen.value = !drawerOpen.value;
  };
  return { docked, drawerOpen, expanded, toggle };
}
