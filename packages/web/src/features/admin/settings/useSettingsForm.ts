import { onMounted, ref } from "vue";
import { useI18n } from "vue-i18n";
import { ApiError } from "../../../api/index.ts";
import { useSaved } from "../../account/useSaved.ts";
import { useFormSave } from "../../auth/useFormErrors.ts";

/**
 * A settings form's life: it loads once, and each save keeps what was typed whatever the answer (the form's
 * values are only replaced by what a successful save answers). The API's 400 goes under the field it names,
 * a nested one (`allowed_file_upload_extensions.2`, `config.url`) under the field it belongs to.
 */
export function useSettingsForm<F extends string>(fields: readonly F[], load?: () => Promise<void>) {
  const { t } = useI18n();
  const { errors, saving, save: submit } = useFormSave(fields);
  const { saved, flash, clear: clearSaved } = useSaved();
  const loading = ref(load !== undefined);
  const loadError = ref("");

  function show(err: unknown) {
    errors.show(err);
    if (!(err instanceof ApiError) || !err.field || !errors.form.value) return;
    const name = err.field;
    // The most specific field the name falls under (`config.uploads.0.media_uuid` → `config.uploads` before `config`).
    const owner = fields
      .filter((f) => name.startsWith(`${f}.`) || name.startsWith(`${f}[`))
      .sort((a, b) => b.length - a.length)[0];
    if (owner) {
      errors.form.value = "";
      errors.field[owner] = err.detail;
    }
  }

  /** Runs a save; its answer, or undefined when it failed (the errors then say why). */
  function save<T>(run: () => Promise<T>): Promise<T | undefined> {
    clearSaved();
    return submit(async () => {
      const answer = await run();
      flash();
      return answer;
    }, show);
  }

  if (load)
    onMounted(async () => {
      try {
        await load();
      } catch (err) {
        loadError.value = err instanceof ApiError ? err.message : t("globals.messages.somethingWentWrong");
      } finally {
        loading.value = false;
      }
    });

  return { errors, show, saved, saving, save, loading, loadError };
}

/**
 * A number typed in a box, as the API takes it (what is not a number goes as NaN → null, and the API says so).
 * Vue's v-model already hands a `type="number"` input's value over as a number.
 */
export const asNumber = (value: string | number) =>
  typeof value === "number" ? value : value.trim() === "" ? Number.NaN : Number(value);
