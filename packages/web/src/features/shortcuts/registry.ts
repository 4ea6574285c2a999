import { getCurrentScope, onScopeDispose, ref, shallowReactive } from "vue";

/**
 * The app's keyboard shortcuts: one catalogue (what each key does, shown by the help overlay) and the
 * handlers screens bind to its entries while they are on screen. One keydown listener on the document
 * (installShortcutListener) dispatches; a plain key never fires while the agent types (an input, a
 * textarea, a select, an editor) nor inside an open dialog, menu or popover.
 *
 * Key combos: `j`, `shift+r`, `?`, `/`, `mod+k` (`mod` is Ctrl, or ⌘ on a Mac). Letters compare their
 * Shift; other printable keys (`?`, `/`) are matched as typed, whatever Shift it took to type them.
 */

export type ShortcutGroup = "general" | "list" | "conversation";

export type ShortcutDefinition = {
  id: string;
  keys: string[];
  group: ShortcutGroup;
  /** i18n key of what it does. */
  label: string;
};

const catalogue = shallowReactive(new Map<string, ShortcutDefinition>());
/** Bound handlers per shortcut id; the most recently bound one runs (a nested screen overrides an outer one). */
const handlers = new Map<string, Array<(event: KeyboardEvent) => void>>();

/** Adds shortcuts to the catalogue (again with the same id: replaced). */
export function defineShortcuts(definitions: ShortcutDefinition[]) {
  for (const definition of definitions) catalogue.set(definition.id, definition);
}

/** Every defined shortcut, in definition order (for the help overlay). */
export function shortcutCatalogue(): ShortcutDefinition[] {
  return [...catalogue.values()];
}

/** Makes `id` run `handler`; returns the unbinding. */
export function bindShortcut(id: string, handler: (event: KeyboardEvent) => void): () => void {
  const stack = handlers.get(id) ?? [];
  stack.push(handler);
  handlers.set(id, stack);
  return () => {
    const at = stack.lastIndexOf(handler);
    if (at >= 0) stack.splice(at, 1);
  };
}

/** bindShortcut for a component or effect scope: unbound when it goes. */
export function useShortcut(id: string, handler: (event: KeyboardEvent) => void) {
  const unbind = bindShortcut(id, handler);
  if (getCurrentScope()) onScopeDispose(unbind);
  return unbind;
}

/** Whether the event comes from somewhere text is typed. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement)
    return !["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].includes(target.type);
  return false;
}

/** Whether focus is inside something layered over the page: its own keys belong to it. */
const LAYERS = '[role="dialog"], [role="alertdialog"], [role="menu"]';
const inLayer = (target: EventTarget | null) => target instanceof Element && target.closest(LAYERS) !== null;

export const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function matches(combo: string, event: KeyboardEvent): boolean {
  const parts = combo.toLowerCase().split("+");
  const key = parts.pop()!;
  const mods = new Set(parts);
  if (mods.has("mod") !== (event.ctrlKey || event.metaKey)) return false;
  if (mods.has("alt") !== event.altKey) return false;
  if (/^[a-z]$/.test(key) && mods.has("shift") !== event.shiftKey) return false;
  return event.key.toLowerCase() === key;
}

/** The keys of a combo as shown to the agent: `mod+k` → ["Ctrl", "K"] (["⌘", "K"] on a Mac). */
export function keyLabels(combo: string): string[] {
  return combo.split("+").map((part) => {
    if (part === "mod") return isMac() ? "⌘" : "Ctrl";
    if (part === "shift") return "Shift";
    if (part === "alt") return isMac() ? "⌥" : "Alt";
    return part.length === 1 ? part.toUpperCase() : part;
  });
}

function onKeydown(event: KeyboardEvent) {
  if (event.defaultPrevented || event.isComposing || event.repeat) return;
  const modified = event.ctrlKey || event.metaKey || event.altKey;
  // A plain key is text while typing; a modified one (Ctrl+K) cannot be, so it works from a field too.
  if (!modified && typing(event.target)) return;
  if (inLayer(event.target) || inLayer(document.activeElement)) return;
  for (const definition of catalogue.values()) {
    if (!definition.keys.some((combo) => matches(combo, event))) continue;
    const handler = handlers.get(definition.id)?.at(-1);
    if (!handler) continue;
    event.preventDefault();
    handler(event);
    return;
  }
}

let installed = false;
/** Starts dispatching (once per page; the signed-in shell calls it). */
export function installShortcutListener() {
  if (installed) return;
  installed = true;
  document.addEventListener("keydown", onKeydown);
}

/** The help overlay's state, shared by whatever opens it (the `?` key, a menu entry). */
export const helpOpen = ref(false);
