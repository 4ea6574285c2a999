import { getCurrentScope, onScopeDispose } from "vue";

/**
 * "Start writing" requests for the reply box (the `r` and `n` shortcuts, or any screen): the reply box
 * subscribes while it is on screen and switches to a reply or a private note and takes the focus.
 */
export type ComposeMode = "reply" | "note";

const listeners = new Set<(mode: ComposeMode) => void>();

export function requestCompose(mode: ComposeMode) {
  for (const listener of listeners) listener(mode);
}

/** Subscribes for the current component or scope. */
export function onComposeRequest(listener: (mode: ComposeMode) => void) {
  listeners.add(listener);
  const stop = () => listeners.delete(listener);
  if (getCurrentScope()) onScopeDispose(stop);
  return stop;
}
