import { reactive, ref } from "vue";
import { ApiError } from "../../api/index.ts";

/**
 * A form's errors as the API gives them: a 400 naming a field (`email: …`) goes next to that field when
 * the form has it, anything else above the form. `describe` turns non-API failures into text.
 */
export function useFormErrors<F extends string>(fields: readonly F[], describe: (err: unknown) => string) {
  const field = reactive({}) as Record<F, string>;
  const form = ref("");
  const clear = () => {
    for (const name of fields) field[name] = "";
    form.value = "";
  };
  const show = (err: unknown) => {
    clear();
    if (err instanceof ApiError && err.field && (fields as readonly string[]).includes(err.field))
      field[err.field as F] = err.detail;
    else form.value = err instanceof ApiError && err.type !== "NetworkError" ? err.message : describe(err);
  };
  clear();
  return { field, form, clear, show };
}
