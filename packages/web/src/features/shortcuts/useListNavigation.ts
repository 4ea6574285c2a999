import { nextTick } from "vue";
import { useRoute, useRouter } from "vue-router";
import { useInboxStore } from "../conversations/inboxStore.ts";
import { SHORTCUTS } from "./definitions.ts";
import { useShortcut } from "./registry.ts";

/**
 * j / k: open the next / previous conversation of the list on screen (the first one when none is open),
 * as clicking its row does: the list's `…conversation` route with the list's parameters and query kept.
 */
export function useListNavigation() {
  const route = useRoute();
  const router = useRouter();
  const inbox = useInboxStore();

  async function step(by: 1 | -1) {
    const base = String(route.name ?? "").split(".")[0]!;
    // Only on a list's screen (inbox, team, view and their opened conversations).
    if (!router.hasRoute(`${base}.conversation`) || inbox.rows.length === 0) return;
    const open = typeof route.params.uuid === "string" ? route.params.uuid : "";
    const at = inbox.rows.findIndex((row) => row.uuid === open);
    const next = at < 0 ? 0 : Math.min(Math.max(at + by, 0), inbox.rows.length - 1);
    if (next === at) return;
    const uuid = inbox.rows[next]!.uuid;
    await router.push({ name: `${base}.conversation`, params: { ...route.params, uuid }, query: route.query });
    await nextTick();
    document
      .querySelector('[data-testid="conversation-row"][aria-current="page"]')
      ?.scrollIntoView({ block: "nearest" });
  }

  useShortcut(SHORTCUTS.next, () => void step(1));
  useShortcut(SHORTCUTS.previous, () => void step(-1));
}
