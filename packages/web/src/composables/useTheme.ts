import { ref, watch } from "vue";

export type ThemeMode = "light" | "dark" | "system";
const STORAGE_KEY = "helperiq.theme";
const MODES: ThemeMode[] = ["light", "dark", "system"];

const stored = (): ThemeMode => {
  const value = localStorage.getItem(STORAGE_KEY);
  return MODES.includes(value as ThemeMode) ? (value as ThemeMode) : "system";
};

const mode = ref<ThemeMode>(stored());
const media = window.matchMedia("(prefers-color-scheme: dark)");

/** Puts `dark` (Tailwind's dark variant keys on it) or `light` on <html> for the chosen or system theme. */
function apply() {
  const dark = mode.value === "dark" || (mode.value === "system" && media.matches);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.classList.toggle("light", !dark);
}

apply();
media.addEventListener("change", apply);
watch(mode, (value) => {
  localStorage.setItem(STORAGE_KEY, value);
  apply();
});

/** The theme, shared by every caller; persisted in this browser. */
export function useTheme() {
  return { mode, modes: MODES };
}
