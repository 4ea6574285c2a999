import { sidebarApi } from "../../api/sidebar.ts";
import { useSessionStore } from "../../stores/session.ts";
import { requestCompose } from "./compose.ts";
import { SHORTCUTS } from "./definitions.ts";
import { useShortcut } from "./registry.ts";

/** What an open conversation lends its shortcuts: its uuid, how it changes status, how it reloads. */
export type ConversationShortcutTarget = {
  uuid: () => string;
  /** The view's own status change (busy state, error line, refresh). */
  setStatus: (status: string) => unknown;
  /** Reads the conversation again after a change made here. */
  refresh: () => Promise<unknown>;
  /** Where a failure is told to the agent. */
  fail: (err: unknown) => void;
};

/** The resolved status's name: a system status every workspace has. */
const RESOLVED = "Resolved";

/**
 * The open conversation's shortcuts (r reply, n note, e resolve, a assign to me), bound while the
 * conversation view is on screen.
 */
export function useConversationShortcuts(target: ConversationShortcutTarget) {
  const session = useSessionStore();
  useShortcut(SHORTCUTS.reply, () => requestCompose("reply"));
  useShortcut(SHORTCUTS.note, () => requestCompose("note"));
  useShortcut(SHORTCUTS.resolve, () => void target.setStatus(RESOLVED));
  useShortcut(SHORTCUTS.assignToMe, async () => {
    const me = session.me;
    if (!me) return;
    try {
      await sidebarApi.assignUser(target.uuid(), me.id);
      await target.refresh();
    } catch (err) {
      target.fail(err);
    }
  });
}
