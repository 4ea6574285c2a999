import en from "./en.json" with { type: "json" };

/**
 * Language packs for the agent UIs' strings (LibreDesk's and HelperIQ's own web app): flat maps of
 * dotted keys (`globals.terms.status`) to text, vue-i18n syntax (`{name}` placeholders, `singular |
 * plural`). `_.code` and `_.name` say which language a pack is. English is complete and the fallback:
 * a pack for another language only needs the keys it translates.
 */
export type LanguagePack = Record<string, string>;

export const DEFAULT_LANGUAGE = "en";

const PACKS: Record<string, LanguagePack> = { en };

/** The languages a workspace can choose, as `{code, name}`. */
export const LANGUAGES = Object.entries(PACKS).map(([code, pack]) => ({ code, name: pack["_.name"] ?? code }));

/** The pack for `code`, each missing key filled from English; an unknown language is English itself. */
export function languagePack(code: string): LanguagePack {
  const chosen = Object.hasOwn(PACKS, code) ? PACKS[code]! : undefined;
  return chosen && code !== DEFAULT_LANGUAGE ? { ...PACKS[DEFAULT_LANGUAGE]!, ...chosen } : PACKS[DEFAULT_LANGUAGE]!;
}
