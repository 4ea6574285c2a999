import type { Editor, JSONContent } from "@tiptap/core";
import Mention from "@tiptap/extension-mention";
import { VueRenderer } from "@tiptap/vue-3";
import MentionList from "./MentionList.vue";

export type MentionItem = { id: number; label: string };

const MAX_ITEMS = 8;

/**
 * @mentions of agents, in private notes only (`allowed`). The note keeps each mention as TipTap's
 * `<span data-type="mention" data-id="…">@Name</span>`; what notifies the agent is the `mentions` list of
 * ids sent with the note (mentionedIds), the form the messages API takes. The API mentions agents only:
 * there is no team mention to offer.
 */
export function mentionExtension(agents: () => MentionItem[], allowed: () => boolean) {
  return Mention.configure({
    HTMLAttributes: { class: "mention" },
    suggestion: {
      char: "@",
      allow: () => allowed(),
      items: ({ query }) => {
        const q = query.toLowerCase();
        return agents()
          .filter((a) => a.label.toLowerCase().includes(q))
          .slice(0, MAX_ITEMS);
      },
      render: () => {
        let component: VueRenderer | undefined;
        let unmount: (() => void) | undefined;
        return {
          onStart(props) {
            component = new VueRenderer(MentionList, { props, editor: props.editor });
            if (component.element) unmount = props.mount(component.element as HTMLElement);
          },
          onUpdate(props) {
            component?.updateProps(props);
          },
          onKeyDown({ event }) {
            if (event.key === "Escape") return false;
            return (
              (component?.ref as { onKeyDown?: (e: KeyboardEvent) => boolean } | undefined)?.onKeyDown?.(event) ?? false
            );
          },
          onExit() {
            unmount?.();
            component?.destroy();
            component = undefined;
          },
        };
      },
    },
  });
}

/** The agent ids the document mentions, each once, in order. */
export function mentionedIds(editor: Editor): number[] {
  const ids: number[] = [];
  const walk = (node: JSONContent) => {
    if (node.type === "mention") {
      const id = Number(node.attrs?.id);
      if (Number.isInteger(id) && !ids.includes(id)) ids.push(id);
    }
    for (const child of node.content ?? []) walk(child);
  };
  walk(editor.getJSON());
  return ids;
}
