import { ref } from "vue";
import { ApiError, type ConversationRow } from "../../api/index.ts";
import { useInboxStore } from "../conversations/inboxStore.ts";

/** How many changes are in flight at once: enough to be quick, few enough to leave the server room. */
const PARALLEL = 4;

export type BulkFailure = { uuid: string; reference: number; message: string };
export type BulkOutcome = { action: string; done: number; failed: BulkFailure[] };

/**
 * A change applied to each selected conversation, one API call per conversation (the API has no bulk
 * routes). Every call's outcome is kept: the report says how many changed and, for each one that did not,
 * its number and the API's message. The page is read again afterwards (rows may have left the list).
 */
export function useBulkActions() {
  const inbox = useInboxStore();
  const running = ref(false);
  const outcome = ref<BulkOutcome | null>(null);

  async function run(
    action: string,
    rows: ConversationRow[],
    change: (row: ConversationRow) => Promise<unknown>,
    patch?: (row: ConversationRow) => Partial<ConversationRow>,
  ) {
    running.value = true;
    outcome.value = null;
    const failed: BulkFailure[] = [];
    let done = 0;
    const queue = [...rows];
    async function worker() {
      for (let row = queue.shift(); row; row = queue.shift()) {
        try {
          await change(row);
          done++;
          if (patch) inbox.patch(row.uuid, patch(row));
        } catch (err) {
          failed.push({
            uuid: row.uuid,
            reference: row.reference_number,
            message: err instanceof ApiError ? err.message : String(err),
          });
        }
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, rows.length) }, worker));
      failed.sort((a, b) => a.reference - b.reference);
      outcome.value = { action, done, failed };
      await inbox.refresh();
    } finally {
      running.value = false;
    }
    return outcome.value;
  }

  return { running, outcome, run };
}
