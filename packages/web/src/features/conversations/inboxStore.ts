import { defineStore } from "pinia";
import { ref } from "vue";
import { ApiError, api, type ConversationRow, type ListQuery, type ListSource } from "../../api/index.ts";

/** What one load asks for besides the source: page, status names, and the URL's filters and sort. */
export type ListPageOptions = Omit<ListQuery, "pageSize">;

export const PAGE_SIZE = 25;

/**
 * The conversation list on screen: one page of one source, reloaded on each change of source, page or
 * status filter (a newer load wins over an older one still in flight). The open conversation patches its
 * row (read state, status) so the list agrees without a reload.
 */
export const useInboxStore = defineStore("inbox", () => {
  const rows = ref<ConversationRow[]>([]);
  const total = ref(0);
  const totalPages = ref(0);
  const page = ref(1);
  const loading = ref(false);
  const failed = ref(false);
  /** The list and filter last asked for (what `refresh` reads again; live updates check rows against it). */
  const shown = ref<({ source: ListSource } & ListPageOptions) | null>(null);
  /** The API's message when it refused the list's query (a filter it does not take), shown instead of a generic one. */
  const refused = ref("");
  let inFlight: AbortController | undefined;

  /** `quiet`: a refresh of what is on screen, without showing it loading nor failing (live updates). */
  async function load(source: ListSource, options: ListPageOptions, quiet = false) {
    inFlight?.abort();
    const controller = (inFlight = new AbortController());
    shown.value = { source, ...options };
    if (!quiet) {
      loading.value = true;
      failed.value = false;
      refused.value = "";
    }
    try {
      const result = await api.conversations(source, { ...options, pageSize: PAGE_SIZE }, controller.signal);
      if (controller.signal.aborted) return;
      rows.value = result.results;
      total.value = result.total;
      totalPages.value = result.total_pages;
      page.value = result.page;
    } catch (err) {
      if (controller.signal.aborted || (err instanceof DOMException && err.name === "AbortError")) return;
      if (quiet) return;
      failed.value = true;
      refused.value = err instanceof ApiError && err.status === 400 ? err.message : "";
    } finally {
      if (inFlight === controller) loading.value = false;
    }
  }

  function patch(uuid: string, change: Partial<ConversationRow>) {
    const row = rows.value.find((r) => r.uuid === uuid);
    if (row) Object.assign(row, change);
  }

  /** Reads the page on screen again (a newer load still wins); nothing when no list was loaded. */
  function refresh() {
    const s = shown.value;
    return s ? load(s.source, s, true) : Promise.resolve();
  }

  /** Takes a conversation off the page (it left the list); the count follows. */
  function remove(uuid: string) {
    const before = rows.value.length;
    rows.value = rows.value.filter((r) => r.uuid !== uuid);
    if (rows.value.length < before) total.value = Math.max(0, total.value - 1);
  }

  function $reset() {
    inFlight?.abort();
    shown.value = null;
    rows.value = [];
    total.value = 0;
    totalPages.value = 0;
    page.value = 1;
    loading.value = false;
    failed.value = false;
    refused.value = "";
  }

  return { rows, total, totalPages, page, loading, failed, refused, shown, load, refresh, patch, remove, $reset };
});
