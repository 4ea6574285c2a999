import { computed, ref } from "vue";
import { ApiError } from "../../api/index.ts";
import { type Upload, uploadMedia } from "../../api/editor.ts";

/** A file on its way to, or at, the server: shown as a chip with its progress, its error, a remove button. */
export type PendingUpload = {
  key: number;
  name: string;
  size: number;
  /** 0…1 while uploading. */
  progress: number;
  upload: Upload | null;
  error: string;
  abort: AbortController;
};

/**
 * The reply's attachments: each file is uploaded at once (POST /media) and sent by uuid with the message.
 * Removing a chip aborts its upload; an upload that never gets sent stays the agent's own, unattached.
 */
export function useUploads(fallbackError: () => string) {
  const items = ref<PendingUpload[]>([]);
  let next = 0;

  function add(file: File) {
    const item: PendingUpload = {
      key: next++,
      name: file.name,
      size: file.size,
      progress: 0,
      upload: null,
      error: "",
      abort: new AbortController(),
    };
    items.value = [...items.value, item];
    // Reactive proxy of the item just added: progress written through it re-renders the chip.
    const live = () => items.value.find((i) => i.key === item.key);
    uploadMedia(file, { signal: item.abort.signal, onProgress: (f) => Object.assign(live() ?? {}, { progress: f }) })
      .then((upload) => Object.assign(live() ?? {}, { upload, progress: 1 }))
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === "AbortError") return;
        Object.assign(live() ?? {}, {
          error: err instanceof ApiError && err.type !== "NetworkError" ? err.message : fallbackError(),
        });
      });
  }

  function remove(key: number) {
    items.value.find((i) => i.key === key)?.abort.abort();
    items.value = items.value.filter((i) => i.key !== key);
  }

  function clear() {
    items.value = [];
  }

  const busy = computed(() => items.value.some((i) => !i.upload && !i.error));
  const ready = computed(() => items.value.flatMap((i) => (i.upload ? [{ media_uuid: i.upload.uuid }] : [])));

  return { items, add, remove, clear, busy, ready };
}
