import { defineShortcuts } from "./registry.ts";

/**
 * The app's own shortcuts. Resolve is `e` (archive-style "done", one key like the others); Shift+R is left
 * free so that a slip of Shift on `r` (reply) never resolves a conversation.
 */
export const SHORTCUTS = {
  search: "search",
  help: "help",
  next: "list.next",
  previous: "list.previous",
  reply: "conversation.reply",
  note: "conversation.note",
  resolve: "conversation.resolve",
  assignToMe: "conversation.assign-to-me",
} as const;

defineShortcuts([
  { id: SHORTCUTS.search, keys: ["/", "mod+k"], group: "general", label: "web.shortcuts.search" },
  { id: SHORTCUTS.help, keys: ["?"], group: "general", label: "web.shortcuts.help" },
  { id: SHORTCUTS.next, keys: ["j"], group: "list", label: "web.shortcuts.next" },
  { id: SHORTCUTS.previous, keys: ["k"], group: "list", label: "web.shortcuts.previous" },
  { id: SHORTCUTS.reply, keys: ["r"], group: "conversation", label: "web.shortcuts.reply" },
  { id: SHORTCUTS.note, keys: ["n"], group: "conversation", label: "web.shortcuts.note" },
  { id: SHORTCUTS.resolve, keys: ["e"], group: "conversation", label: "web.shortcuts.resolve" },
  { id: SHORTCUTS.assignToMe, keys: ["a"], group: "conversation", label: "web.shortcuts.assignToMe" },
]);
