import { InputError } from "../errors/index.ts";

/** The placeholders a macro's content may use: the client renders them, the server checks each is known. */
export const TEMPLATE_VARIABLES = [
  "contact.first_name",
  "contact.last_name",
  "contact.full_name",
  "contact.email",
  "agent.first_name",
  "agent.last_name",
  "agent.full_name",
  "agent.email",
  "conversation.reference_number",
  "conversation.subject",
  "inbox.name",
] as const;

const known = new Set<string>(TEMPLATE_VARIABLES);

/** Every `{{` is closed by a `}}` before the next `{{`, and what they enclose is a known variable. */
export function checkTemplate(content: string, field = "message_content"): void {
  let from = 0;
  for (;;) {
    const open = content.indexOf("{{", from);
    const close = content.indexOf("}}", from);
    if (open === -1 || (close !== -1 && close < open)) {
      if (close !== -1) throw new InputError(`${field}: "}}" without an opening "{{"`);
      return;
    }
    const end = content.indexOf("}}", open + 2);
    const inner = end === -1 ? "" : content.slice(open + 2, end);
    if (end === -1 || inner.includes("{{")) throw new InputError(`${field}: "{{" is never closed by "}}"`);
    const name = inner.trim();
    if (!known.has(name)) {
      throw new InputError(`${field}: unknown variable "{{ ${name} }}"; known: ${TEMPLATE_VARIABLES.join(", ")}`);
    }
    from = end + 2;
  }
}
