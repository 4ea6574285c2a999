import { reactive, ref } from "vue";
import { useI18n } from "vue-i18n";
import { ApiError } from "../../api/index.ts";

/**
 * Runs the sidebar's changes one at a time per control: `busy` names the control whose call is in flight,
 * `errors[key]` holds the API's message for it (without the field prefix the 400 carries), and a change
 * that succeeded ends with `after` (the conversation view reading the conversation again, so the header,
 * the thread's activity line, the list row and the sidebar all show the same state).
 */
export function useChange(after: () => Promise<unknown>) {
  const { t } = useI18n();
  const busy = ref("");
  const errors = reactive<Record<string, string>>({});

  const describe = (err: unknown) =>
    err instanceof ApiError && err.type !== "NetworkError" ? err.detail : t("globals.messages.somethingWentWrong");

  async function run(key: string, action: () => Promise<unknown>): Promise<boolean> {
    busy.value = key;
    errors[key] = "";
    try {
      await action();
    } catch (err) {
      errors[key] = describe(err);
      busy.value = "";
      return false;
    }
    try {
      await after();
    } catch (err) {
      errors[key] = describe(err);
    } finally {
      busy.value = "";
    }
    return true;
  }

  return { busy, errors, run, describe };
}
