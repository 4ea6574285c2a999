import { onBeforeUnmount, type Ref, watch } from "vue";

/** How close to the end (px) still counts as "reading the newest". */
const NEAR_END = 48;

/**
 * Keeps a scrolled thread at its newest message while it settles, as long as the reader was at the end:
 * images in it load and grow it, and the pane itself shrinks when what sits below it (the reply editor)
 * grows. Opening a conversation so lands on the newest message, and someone reading older messages is not
 * pulled down. Content growing for any other reason (a quote unfolded) leaves the position alone.
 */
export function useStickToBottom(container: Ref<HTMLElement | null>) {
  let atEnd = true;
  let lastTop = 0;
  const toEnd = () => {
    const el = container.value;
    if (el && atEnd) el.scrollTop = el.scrollHeight;
  };
  // Scroll events arrive a frame late, when content may have grown since: only the reader moving up leaves
  // the end (growth never lowers scrollTop), and only coming back near the end returns to it.
  const onScroll = () => {
    const el = container.value;
    if (!el) return;
    if (el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_END) atEnd = true;
    else if (el.scrollTop < lastTop) atEnd = false;
    lastTop = el.scrollTop;
  };
  // `load` does not bubble: listened for in the capture phase, for every image inside.
  const onLoad = (event: Event) => {
    if (event.target instanceof HTMLImageElement) toEnd();
  };
  const resized = new ResizeObserver(toEnd);
  watch(
    container,
    (el, old) => {
      old?.removeEventListener("scroll", onScroll);
      old?.removeEventListener("load", onLoad, true);
      if (old) resized.unobserve(old);
      el?.addEventListener("scroll", onScroll, { passive: true });
      el?.addEventListener("load", onLoad, true);
      if (el) resized.observe(el);
      atEnd = true;
      lastTop = el?.scrollTop ?? 0;
    },
    { immediate: true },
  );
  onBeforeUnmount(() => resized.disconnect());
}
