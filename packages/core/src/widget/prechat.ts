import { InputError } from "../errors/index.ts";
import type { LivechatInbox } from "../inbox/livechat-config.ts";

export type PrechatValue = string | number | boolean;

const MAX_VALUE_LENGTH = 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * `form_data` of `conversations/init` checked against the inbox's pre-chat form: only its fields, of their
 * types; required ones only when a new visitor starts (someone with a session already answered it).
 * Without an enabled form, `form_data` is ignored. The answers are kept on the conversation
 * (`meta.prechat_form`) for agents; a `name` / `first_name` / `last_name` answer also names the visitor.
 */
export function prechatValues(
  inbox: LivechatInbox,
  formData: Record<string, unknown> | undefined,
  newVisitor: boolean,
): Record<string, PrechatValue> {
  const form = inbox.config.prechat_form;
  if (!form.enabled) return {};
  const data = formData ?? {};
  const out: Record<string, PrechatValue> = {};
  for (const key of Object.keys(data)) {
    if (!form.fields.some((f) => f.key === key))
      throw new InputError(`form_data.${key}: not a field of this pre-chat form`);
  }
  for (const field of form.fields) {
    const raw = data[field.key];
    const where = `form_data.${field.key}`;
    if (raw === undefined || raw === null || raw === "") {
      if (field.required && newVisitor) throw new InputError(`${where}: required`);
      continue;
    }
    if (field.type === "checkbox") {
      if (typeof raw !== "boolean") throw new InputError(`${where}: must be true or false`);
      out[field.key] = raw;
    } else if (field.type === "number") {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw new InputError(`${where}: must be a number`);
      out[field.key] = n;
    } else {
      if (typeof raw !== "string") throw new InputError(`${where}: must be text`);
      const value = raw.trim();
      if (value.length > MAX_VALUE_LENGTH) throw new InputError(`${where}: at most ${MAX_VALUE_LENGTH} characters`);
      if (field.type === "email" && !EMAIL.test(value)) throw new InputError(`${where}: must be an email address`);
      if (field.type === "select" && !field.options.includes(value))
        throw new InputError(`${where}: must be one of the field's options`);
      out[field.key] = value;
    }
  }
  return out;
}

/** The visitor's name from the form's answers; "Visitor" when they gave none. */
export function visitorName(form: Record<string, PrechatValue>): { first_name: string; last_name: string } {
  const text = (key: string) => (typeof form[key] === "string" ? (form[key] as string).slice(0, 128) : "");
  const first = text("first_name") || text("name");
  return { first_name: first || "Visitor", last_name: first ? text("last_name") : "" };
}
