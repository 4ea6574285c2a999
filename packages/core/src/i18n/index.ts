import en from "./en.json" with { type: "json" };
import webAccount from "./en-web/account.json" with { type: "json" };
import webAdmin from "./en-web/admin.json" with { type: "json" };
import webChannels from "./en-web/channels.json" with { type: "json" };
import webContacts from "./en-web/contacts.json" with { type: "json" };
import webDomains from "./en-web/domains.json" with { type: "json" };
import webEditor from "./en-web/editor.json" with { type: "json" };
import webExport from "./en-web/export.json" with { type: "json" };
import webList from "./en-web/list.json" with { type: "json" };
import webNotifications from "./en-web/notifications.json" with { type: "json" };
import webPeople from "./en-web/people.json" with { type: "json" };
import webRealtime from "./en-web/realtime.json" with { type: "json" };
import webSearch from "./en-web/search.json" with { type: "json" };
import webSettings from "./en-web/settings.json" with { type: "json" };
import webUsage from "./en-web/usage.json" with { type: "json" };
import webShell from "./en-web/shell.json" with { type: "json" };
import webSignup from "./en-web/signup.json" with { type: "json" };
import webShortcuts from "./en-web/shortcuts.json" with { type: "json" };
import webSidebar from "./en-web/sidebar.json" with { type: "json" };
import webThread from "./en-web/thread.json" with { type: "json" };
import webWorkflow from "./en-web/workflow.json" with { type: "json" };

/**
 * Language packs for the agent UIs' strings (LibreDesk's and HelperIQ's own web app): flat maps of
 * dotted keys (`globals.terms.status`) to text, vue-i18n syntax (`{name}` placeholders, `singular |
 * plural`). `_.code` and `_.name` say which language a pack is. English is complete and the fallback:
 * a pack for another language only needs the keys it translates.
 *
 * English is kept in several files: en.json holds the keys LibreDesk's UI reads (and HelperIQ's app
 * reuses), en-web/<area>.json the `web.<area>.…` keys only HelperIQ's app reads, one file per area of the
 * app so that work on different screens does not meet in one file. A key defined twice is an error
 * (tests/compat/lang.test.ts), so merge order does not matter.
 */
export type LanguagePack = Record<string, string>;

export const DEFAULT_LANGUAGE = "en";

/** English's parts, merged into the one pack the API serves. */
export const ENGLISH_PARTS: Record<string, LanguagePack> = {
  "en.json": en,
  "en-web/account.json": webAccount,
  "en-web/admin.json": webAdmin,
  "en-web/channels.json": webChannels,
  "en-web/contacts.json": webContacts,
  "en-web/domains.json": webDomains,
  "en-web/editor.json": webEditor,
  "en-web/export.json": webExport,
  "en-web/list.json": webList,
  "en-web/notifications.json": webNotifications,
  "en-web/people.json": webPeople,
  "en-web/realtime.json": webRealtime,
  "en-web/search.json": webSearch,
  "en-web/settings.json": webSettings,
  "en-web/shell.json": webShell,
  "en-web/signup.json": webSignup,
  "en-web/shortcuts.json": webShortcuts,
  "en-web/sidebar.json": webSidebar,
  "en-web/thread.json": webThread,
  "en-web/usage.json": webUsage,
  "en-web/workflow.json": webWorkflow,
};

const PACKS: Record<string, LanguagePack> = { en: Object.assign({}, ...Object.values(ENGLISH_PARTS)) };

/** The languages a workspace can choose, as `{code, name}`. */
export const LANGUAGES = Object.entries(PACKS).map(([code, pack]) => ({ code, name: pack["_.name"] ?? code }));

/** The pack for `code`, each missing key filled from English; an unknown language is English itself. */
export function languagePack(code: string): LanguagePack {
  const chosen = Object.hasOwn(PACKS, code) ? PACKS[code]! : undefined;
  return chosen && code !== DEFAULT_LANGUAGE ? { ...PACKS[DEFAULT_LANGUAGE]!, ...chosen } : PACKS[DEFAULT_LANGUAGE]!;
}
