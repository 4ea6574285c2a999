import { onBeforeUnmount, ref } from "vue";

/** A "saved" flag that clears itself after a few seconds (a new save restarts it). */
export function useSaved(ms = 4000) {
  const saved = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flash = () => {
    clearTimeout(timer);
    saved.value = true;
    timer = setTimeout(() => (saved.value = false), ms);
  };
  const clear = () => {
    clearTimeout(timer);
    saved.value = false;
  };
  onBeforeUnmount(() => clearTimeout(timer));
  return { saved, flash, clear };
}
