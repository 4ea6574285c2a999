import { defineStore } from "pinia";
import { computed, ref, shallowRef } from "vue";
import { type FilterFieldSpec, type FilterFields, listApi } from "../../api/list.ts";
import { useSessionStore } from "../../stores/session.ts";

export const ATTRIBUTE_PREFIX = "custom_attributes.";

/**
 * The conversation lists' filter fields as the API describes them (GET /conversations/filter-fields: its
 * allow-list, operators, the workspace's values, conversation attributes), loaded once per signed-in agent.
 * The builder offers one field per meaning: where the API takes both a name form and an id form (`status`
 * and `status_id`), the id form, which stays right when a status or team is renamed.
 */
export const useFilterFieldsStore = defineStore("listFilterFields", () => {
  const session = useSessionStore();
  const answer = shallowRef<FilterFields | null>(null);
  const failed = ref(false);
  let loadedFor: number | undefined;
  let loading: Promise<void> | undefined;

  function load(): Promise<void> {
    const me = session.me?.id;
    if (loadedFor !== me) {
      answer.value = null;
      loading = undefined;
    }
    loading ??= listApi
      .filterFields()
      .then((fields) => {
        answer.value = fields;
        loadedFor = me;
        failed.value = false;
      })
      .catch(() => {
        failed.value = true;
        loading = undefined;
      });
    return loading;
  }

  const all = computed(() => answer.value?.fields ?? []);
  const byField = computed(() => new Map(all.value.map((f) => [f.field, f])));
  const offered = computed(() => all.value.filter((f) => !byField.value.has(`${f.field}_id`)));
  const builtIn = computed(() => offered.value.filter((f) => !f.field.startsWith(ATTRIBUTE_PREFIX)));
  const attributes = computed(() => offered.value.filter((f) => f.field.startsWith(ATTRIBUTE_PREFIX)));

  const spec = (field: string): FilterFieldSpec | undefined => byField.value.get(field);
  /** What a value of `field` is called (an option's label: a status name for its id), else the value itself. */
  function valueLabel(field: string, value: unknown): string {
    const options = spec(field)?.options;
    const one = (v: unknown) => options?.find((o) => String(o.value) === String(v))?.label ?? String(v);
    if (Array.isArray(value)) return value.map(one).join(", ");
    return value === undefined || value === null ? "" : one(value);
  }

  return { load, failed, all, builtIn, attributes, spec, valueLabel };
});
