/**
 * The pre-chat form: the inbox's questions, asked once before a new visitor's first message. Built from the
 * inbox's settings (`prechat_form.fields`); required fields are checked here before anything is sent, and
 * the server checks again (`conversations/init` answers `400 form_data.<key>: …`), its message shown next to
 * the field it names. Labels are the admin's text, set with textContent like everything a server sends.
 */
export type PrechatField = {
  key: string;
  label: string;
  type: "text" | "email" | "phone" | "number" | "textarea" | "select" | "checkbox";
  required: boolean;
  placeholder: string;
  options: string[];
};
export type PrechatValues = Record<string, string | boolean>;

const INPUT_TYPES: Partial<Record<PrechatField["type"], string>> = { email: "email", phone: "tel", number: "number" };
const AUTOCOMPLETE: Record<string, string> = {
  name: "name",
  first_name: "given-name",
  last_name: "family-name",
  email: "email",
  phone: "tel",
};

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export class PrechatForm {
  private readonly controls = new Map<string, { field: PrechatField; control: Control; error: HTMLElement }>();

  constructor(
    readonly element: HTMLFormElement,
    title: string,
    fields: PrechatField[],
    submitLabel: string,
  ) {
    const heading = document.createElement("h3");
    heading.textContent = title || "Before we start";
    element.replaceChildren(heading);
    for (const field of fields) element.append(this.fieldRow(field));
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.className = "primary";
    submit.textContent = submitLabel;
    element.append(submit);
  }

  private fieldRow(field: PrechatField): HTMLElement {
    const id = `hq-f-${field.key}`;
    const row = document.createElement("div");
    row.className = field.type === "checkbox" ? "field check" : "field";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = field.label;
    if (field.required) {
      const mark = document.createElement("span");
      mark.className = "req";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = " *";
      label.append(mark);
    }
    let control: Control;
    if (field.type === "textarea") control = document.createElement("textarea");
    else if (field.type === "select") {
      const select = document.createElement("select");
      const none = new Option(field.placeholder || "Choose…", "");
      select.append(none, ...field.options.map((o) => new Option(o, o)));
      control = select;
    } else {
      const input = document.createElement("input");
      input.type = field.type === "checkbox" ? "checkbox" : (INPUT_TYPES[field.type] ?? "text");
      control = input;
    }
    control.id = id;
    control.name = field.key;
    if ("placeholder" in control && field.placeholder && field.type !== "select")
      control.placeholder = field.placeholder;
    if (field.required) control.required = true;
    const autocomplete = AUTOCOMPLETE[field.key];
    if (autocomplete) control.setAttribute("autocomplete", autocomplete);
    const error = document.createElement("div");
    error.className = "field-error";
    error.id = `${id}-error`;
    control.setAttribute("aria-describedby", error.id);
    if (field.type === "checkbox") row.append(control, label, error);
    else row.append(label, control, error);
    this.controls.set(field.key, { field, control, error });
    return row;
  }

  /** The first control, where focus goes when the form is shown. */
  first(): Control | undefined {
    return this.controls.values().next().value?.control;
  }

  /** Marks `key` wrong with `message` (empty clears it); false when the form has no such field. */
  setError(key: string, message: string): boolean {
    const entry = this.controls.get(key);
    if (!entry) return false;
    entry.error.textContent = message;
    if (message) entry.control.setAttribute("aria-invalid", "true");
    else entry.control.removeAttribute("aria-invalid");
    return true;
  }

  focus(key: string): void {
    this.controls.get(key)?.control.focus();
  }

  /** Checks what the browser can (required, email, number) and returns the answers, or null after marking the wrong fields. */
  collect(): PrechatValues | null {
    const values: PrechatValues = {};
    let firstWrong: string | undefined;
    for (const [key, { field, control }] of this.controls) {
      let problem = "";
      if (control instanceof HTMLInputElement && control.type === "checkbox") {
        if (field.required && !control.checked) problem = "Required.";
        else values[key] = control.checked;
      } else {
        const value = control.value.trim();
        // A number input's value is "" while what is typed is not a number: ask for one rather than "Required".
        if (control.validity.badInput) problem = "Enter a number.";
        else if (!value) {
          if (field.required) problem = "Required.";
        } else if (control.validity.typeMismatch) problem = "Enter an email address.";
        else values[key] = value;
      }
      this.setError(key, problem);
      if (problem && !firstWrong) firstWrong = key;
    }
    if (firstWrong) {
      this.focus(firstWrong);
      return null;
    }
    return values;
  }
}
