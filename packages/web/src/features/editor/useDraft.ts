import { onBeforeUnmount, ref } from "vue";
import { type Draft, type DraftInput, editorApi } from "../../api/editor.ts";

const SAVE_AFTER_MS = 800;

/**
 * The agent's draft of one conversation, kept by the API (one per agent × conversation): restored when the
 * conversation opens, saved a moment after each change, removed when the message is sent or emptied.
 * Saving is best effort: a failed save leaves the text in the editor and says so.
 */
export function useDraft(uuid: string) {
  const state = ref<"idle" | "saving" | "saved" | "failed">("idle");
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: DraftInput | null = null;
  /** Whether the server holds a draft of ours (so an emptied editor deletes it). */
  let stored = false;

  async function load(): Promise<Draft | undefined> {
    const drafts = await editorApi.drafts().catch(() => []);
    const found = drafts.find((d) => d.conversation_uuid === uuid);
    stored = found !== undefined;
    return found;
  }

  async function flush() {
    clearTimeout(timer);
    timer = undefined;
    const draft = pending;
    pending = null;
    if (!draft) return;
    const empty = !draft.content && !draft.cc.length && !draft.bcc.length && !draft.to.length;
    if (empty && !stored) return;
    state.value = "saving";
    try {
      if (empty) await editorApi.deleteDraft(uuid);
      else await editorApi.saveDraft(uuid, draft);
      stored = !empty;
      state.value = empty ? "idle" : "saved";
    } catch {
      state.value = "failed";
    }
  }

  function schedule(draft: DraftInput) {
    pending = draft;
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), SAVE_AFTER_MS);
  }

  /** After sending: nothing to save, and the stored draft goes. */
  async function discard() {
    clearTimeout(timer);
    pending = null;
    state.value = "idle";
    if (!stored) return;
    stored = false;
    await editorApi.deleteDraft(uuid).catch(() => undefined);
  }

  // Leaving the conversation saves what was typed since the last save.
  onBeforeUnmount(() => void flush());

  return { state, load, schedule, discard };
}
