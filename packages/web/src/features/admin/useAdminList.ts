import { computed, onMounted, type Ref, ref } from "vue";

/**
 * A list screen's loading (the admin console's, beside AdminListPage, and the contacts list): `fetch` asks the
 * API, `show` puts its answer on the screen. The list loads when the screen mounts and again on every `load()` (retry, a changed search, after an
 * import or a save). Only the latest load's answer is shown: an older one that arrives late (a slow page of a
 * search typed over) is dropped, so is its failure. A failed load sets `failed` (the page offers a retry);
 * `waiting` is true until the first answer, while there is nothing to show yet, so a later reload keeps the
 * list (and whatever a child of it shows, such as an import's result) on screen.
 */
export function useAdminList<T>(fetch: () => Promise<T>, show: (answer: T) => void) {
  const loading = ref(true);
  const failed = ref(false);
  const loaded = ref(false);
  let generation = 0;

  async function load() {
    const mine = ++generation;
    loading.value = true;
    failed.value = false;
    try {
      const answer = await fetch();
      if (mine !== generation) return;
      show(answer);
      loaded.value = true;
    } catch {
      if (mine === generation) failed.value = true;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }
  onMounted(load);

  return { loading, failed, waiting: computed(() => loading.value && !loaded.value), load };
}

/**
 * The create/edit dialog of a list screen: `openForm(null)` opens it to create, `openForm(item)` to edit that
 * item. Closing only hides the dialog; the next `openForm` says what it edits.
 */
export function useFormDialog<T>() {
  const editing = ref(null) as Ref<T | null>;
  const open = ref(false);
  function openForm(item: T | null) {
    editing.value = item;
    open.value = true;
  }
  const close = () => {
    open.value = false;
  };
  return { editing, open, openForm, close };
}
