import { reactive, ref } from "vue";
import { useI18n } from "vue-i18n";
import { ApiError } from "../../api/index.ts";

/**
 * A form's errors as the API gives them: a 400 naming a field (`email: …`) goes next to that field when
 * the form has it, anything else above the form. `describe` turns non-API failures into text (by default
 * "something went wrong").
 */
export function useFormErrors<F extends string>(fields: readonly F[], describe?: (err: unknown) => string) {
  const explain = describe ?? somethingWentWrong();
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
    else form.value = err instanceof ApiError && err.type !== "NetworkError" ? err.message : explain(err);
  };
  clear();
  return { field, form, clear, show };
}

/**
 * A form's save over its errors: `saving` while it runs, the errors cleared first, a refusal shown by
 * `fail` (by default `errors.show`; a form placing some errors itself, such as one row of a list, passes its
 * own). The form's fields are never touched, so a refused save keeps everything as typed. `save` resolves
 * to what `run` answered, or undefined when it failed.
 */
export function useFormSave<F extends string>(fields: readonly F[], describe?: (err: unknown) => string) {
  const errors = useFormErrors(fields, describe);
  const saving = ref(false);
  async function save<T>(run: () => Promise<T>, fail: (err: unknown) => void = errors.show): Promise<T | undefined> {
    saving.value = true;
    errors.clear();
    try {
      return await run();
    } catch (err) {
      fail(err);
      return undefined;
    } finally {
      saving.value = false;
    }
  }
  return { errors, saving, save };
}

function somethingWentWrong() {
  const { t } = useI18n();
  return () => t("globals.messages.somethingWentWrong");
}
