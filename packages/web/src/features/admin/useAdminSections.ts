import { computed } from "vue";
import { useSessionStore } from "../../stores/session.ts";
import { ADMIN_GROUPS, ADMIN_SECTIONS } from "./sections.ts";

/** The admin screens the signed-in user may open, grouped for the navigation (empty groups left out). */
export function useAdminSections() {
  const session = useSessionStore();
  const allowed = computed(() => ADMIN_SECTIONS.filter((section) => session.can(section.permission)));
  const groups = computed(() =>
    ADMIN_GROUPS.map((group) => ({ group, sections: allowed.value.filter((s) => s.group === group) })).filter(
      (g) => g.sections.length > 0,
    ),
  );
  return { allowed, groups };
}
