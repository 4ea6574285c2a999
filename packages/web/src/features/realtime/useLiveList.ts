import { useDebounceFn } from "@vueuse/core";
import { onScopeDispose } from "vue";
import { useRoute } from "vue-router";
import type { ConversationRow } from "../../api/index.ts";
import { useLookupsStore } from "../../stores/lookups.ts";
import { useSessionStore } from "../../stores/session.ts";
import { useInboxStore } from "../conversations/inboxStore.ts";
import { LIST_FIELDS, leftList } from "./listMembership.ts";
import { useRealtimeStore } from "./realtimeStore.ts";

/** A burst of events (a mail import, a bulk change) refreshes the page once, at most this often. */
export const LIST_REFRESH_MS = 400;
const LIST_REFRESH_MAX_WAIT_MS = 2_000;

/**
 * Keeps the conversation list on screen live while its page is mounted. Rows it holds are patched at once
 * from the pushed changes (status, assignee, priority, preview, unread count) and dropped when they
 * certainly left the list (listMembership.ts); whether anything else entered, left or moved — a new
 * conversation, a reopened one, a view's own filters, the sort order — is not guessed: the page is read
 * again (debounced). After a reconnection it is read again at once, so nothing missed meanwhile is lost.
 */
export function useLiveList() {
  const inbox = useInboxStore();
  const realtime = useRealtimeStore();
  const lookups = useLookupsStore();
  const session = useSessionStore();
  const route = useRoute();
  const openUuid = () => (typeof route.params.uuid === "string" ? route.params.uuid : "");
  const refreshSoon = useDebounceFn(() => inbox.refresh(), LIST_REFRESH_MS, { maxWait: LIST_REFRESH_MAX_WAIT_MS });
  const listed = (uuid: string) => inbox.rows.find((r) => r.uuid === uuid);

  const offs = [
    realtime.on("new_conversation", () => void refreshSoon()),
    realtime.on("new_message", (m) => {
      const row = listed(m.conversation_uuid);
      if (!row) return; // a conversation joining the list comes with its conversation_update
      // The open conversation is being read (its view marks it seen).
      if (m.type === "incoming" && m.conversation_uuid !== openUuid())
        inbox.patch(row.uuid, { unread_count: row.unread_count + 1 });
      void refreshSoon();
    }),
    realtime.on("conversation_update", ({ uuid, deleted, contact, ...changes }) => {
      const row = listed(uuid);
      if (row && deleted) inbox.remove(uuid);
      else if (row) {
        const change: Partial<ConversationRow> = { ...changes };
        // Status changes travel by name; the row also carries the id.
        const status = changes.status === undefined ? undefined : lookups.statusByName.get(changes.status);
        if (status) change.status_id = status.id;
        if (contact) change.contact = { ...row.contact, ...contact };
        inbox.patch(uuid, change);
        if (inbox.shown && leftList(row, inbox.shown, session.me?.id)) inbox.remove(uuid);
      }
      if (deleted || Object.keys(changes).some((k) => LIST_FIELDS.has(k))) void refreshSoon();
    }),
    realtime.onReconnect(() => void inbox.refresh()),
  ];
  onScopeDispose(() => {
    for (const off of offs) off();
  });
}
