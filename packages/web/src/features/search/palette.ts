import { ref } from "vue";

/** Whether the command palette is open; anything may open it (the shortcut, the sidebar's search button). */
export const paletteOpen = ref(false);
