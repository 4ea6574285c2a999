import { createPinia } from "pinia";
import { createApp } from "vue";
import App from "./App.vue";
import { onSessionExpired } from "./api/index.ts";
import { i18n, loadLanguage } from "./i18n.ts";
import { router } from "./router.ts";
import { isSignupPath, signupBootConfig } from "./features/signup/boot.ts";
import { useSessionStore } from "./stores/session.ts";
import "./composables/useTheme.ts";
import "./styles.css";

/**
 * Boot: the workspace's public config names its language; that pack is loaded before anything renders
 * (every string comes from it). Then the router's guard asks who is signed in.
 */
async function boot() {
  const app = createApp(App);
  const pinia = createPinia();
  app.use(pinia).use(i18n);
  const session = useSessionStore(pinia);
  // The sign-up pages live on the base domain, which is no workspace: they boot from the sign-up settings.
  const config = isSignupPath(location.pathname) ? await signupBootConfig() : await session.loadConfig();
  await loadLanguage(config.default_language || "en");
  document.title = config.app_name;

  // A signed-in call answered 401: back to sign-in, then to where the agent was.
  onSessionExpired(() => {
    const current = router.currentRoute.value;
    session.forget(true);
    if (!current.meta.public) void router.push({ name: "login", query: { next: current.fullPath } });
  });

  app.use(router);
  await router.isReady();
  app.mount("#app");
}

boot().catch((err: unknown) => {
  // Nothing rendered and no language pack to say it with: a plain message in the page, no markup.
  const root = document.getElementById("app");
  if (root) root.textContent = `HelperIQ could not start: ${err instanceof Error ? err.message : String(err)}`;
  console.error(err);
});
