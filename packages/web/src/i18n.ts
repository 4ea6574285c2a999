import { createI18n } from "vue-i18n";
import { api } from "./api/index.ts";

/**
 * Every string of the app comes from the server's language packs (`GET /api/v1/lang/{lang}`): flat maps
 * of dotted keys, so keys are looked up whole rather than as nested paths. A key the pack lacks is a bug:
 * it is reported as a console error (the browser suite fails on any) and the key itself is shown.
 */
export const i18n = createI18n<false>({
  legacy: false,
  locale: "en",
  fallbackLocale: "en",
  messages: {},
  missingWarn: false,
  fallbackWarn: false,
  messageResolver: (messages, key) => (messages as Record<string, string | undefined>)[key] ?? null,
  missing: (locale, key) => {
    console.error(`[i18n] no text for "${key}" in the ${locale} pack`);
    return key;
  },
});

/** Loads `code`'s pack (the server fills gaps from English) and switches to it. */
export async function loadLanguage(code: string) {
  const pack = await api.languagePack(code);
  const locale = pack["_.code"] ?? code;
  i18n.global.setLocaleMessage(locale, pack);
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}
