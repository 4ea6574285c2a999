import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { api, type AppConfig, type Me } from "../api/index.ts";

/** Who is signed in (or not), and the workspace's public configuration. */
export const useSessionStore = defineStore("session", () => {
  const config = ref<AppConfig | null>(null);
  const me = ref<Me | null>(null);
  /** Whether `me` reflects the server (it is null both before the first check and when signed out). */
  const checked = ref(false);
  /** Set when a signed-in call answered 401: the sign-in page says the session ended. */
  const expired = ref(false);

  const permissions = computed(() => new Set<string>(me.value?.permissions ?? []));
  const can = (permission: string) => permissions.value.has(permission);
  const displayName = computed(() =>
    me.value ? [me.value.first_name, me.value.last_name].filter(Boolean).join(" ") : "",
  );

  async function loadConfig() {
    config.value = await api.config();
    return config.value;
  }

  /** Asks the server who this browser is; a 401 means nobody. */
  async function check() {
    try {
      me.value = await api.me({ anonymous: true });
    } catch (err) {
      if ((err as { status?: number }).status !== 401) throw err;
      me.value = null;
    }
    checked.value = true;
    return me.value;
  }

  async function signIn(email: string, password: string) {
    await api.signIn(email, password);
    expired.value = false;
    return check();
  }

  async function signOut() {
    await api.signOut();
    forget();
  }

  /** The session is gone (signed out, expired): drop what belonged to it. */
  function forget(sessionExpired = false) {
    me.value = null;
    checked.value = true;
    expired.value = sessionExpired;
  }

  return { config, me, checked, expired, can, displayName, loadConfig, check, signIn, signOut, forget };
});
