import { ENGLISH_PARTS } from "../../packages/core/src/i18n/index.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";

/**
 * `GET /api/v1/lang/{lang}` as LibreDesk's main.js calls it before anyone signs in: the body itself is the
 * vue-i18n message map (`createI18n({messages: {[lang]: response.data}})`), flat dotted keys.
 */

/** English as the API serves it: every part merged. */
const en: Record<string, string> = Object.assign({}, ...Object.values(ENGLISH_PARTS));

let t: TestApp;
let a: TestTenant;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
});
afterAll(() => t.close());

/** Keys the UI's pages read (main views, sidebar, conversation list and store, search, settings forms), with the placeholders they pass. */
const USED: Record<string, string[]> = {
  "globals.terms.conversation": [],
  "globals.terms.agent": [],
  "globals.terms.status": [],
  "globals.terms.priority": [],
  "globals.terms.tag": [],
  "globals.terms.team": [],
  "globals.terms.inbox": [],
  "globals.terms.setting": [],
  "globals.terms.language": [],
  "globals.terms.timezone": [],
  "globals.terms.businessHour": [],
  "globals.terms.rootURL": [],
  "globals.terms.tryAgain": [],
  "globals.terms.open": [],
  "globals.terms.snoozed": [],
  "globals.terms.resolved": [],
  "globals.terms.closed": [],
  "globals.terms.low": [],
  "globals.terms.medium": [],
  "globals.terms.high": [],
  "globals.terms.urgent": [],
  "globals.messages.search": ["name"],
  "globals.messages.new": ["name"],
  "globals.messages.assign": ["name"],
  "globals.messages.set": ["name"],
  "globals.messages.add": ["name"],
  "globals.messages.remove": ["name"],
  "globals.messages.send": ["name"],
  "globals.messages.updatedSuccessfully": ["name"],
  "globals.messages.errorFetching": ["name"],
  "globals.messages.save": [],
  "globals.messages.hoursSinceCreated": [],
  "globals.messages.strongPassword": ["min", "max"],
  "globals.messages.lastNItems": ["n", "name"],
  "search.noResultsForQuery": ["query"],
  "search.minQueryLength": ["length"],
  "search.searchBy": [],
  "conversation.sort.oldestActivity": [],
  "conversation.sort.newestActivity": [],
  "conversation.sort.startedFirst": [],
  "conversation.sort.startedLast": [],
  "conversation.sort.waitingLongest": [],
  "conversation.sort.nextSLATarget": [],
  "conversation.sort.priorityFirst": [],
  "admin.general.siteName": [],
  "admin.general.siteName.description": [],
  "admin.general.language.placeholder": [],
  "admin.general.language.description": [],
  "admin.general.timezone.placeholder": [],
  "admin.general.businessHours.placeholder": [],
  "admin.general.rootURL.description": [],
  "admin.general.faviconURL": [],
  "admin.general.logoURL": [],
  "admin.general.maxAllowedFileUploadSize": [],
  "admin.general.allowedFileUploadExtensions": [],
  "admin.notification.restartApp": [],
  "admin.inbox.maxRetries": [],
  "admin.inbox.maxRetries.description": [],
  "auth.signIn": [],
  "auth.enterEmail": [],
  "auth.forgotPassword": [],
  "media.fileSizeTooLarge": ["size"],
  "ai.apiKeyNotSet": ["provider"],
  "report.sla.cardTitle": ["days"],
};

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe("GET /api/v1/lang/{lang}", () => {
  it("answers the English pack unwrapped, before sign-in, with every key the UI reads and its placeholders", async () => {
    const res = await a.anonymous.get("/api/v1/lang/en");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-language")).toBe("en");
    expect(res.body).not.toHaveProperty("data");
    expect(res.body["_.code"]).toBe("en");
    expect(res.body["_.name"]).toMatch(/English/);
    for (const [key, params] of Object.entries(USED)) {
      expect(typeof res.body[key], key).toBe("string");
      expect(res.body[key].trim().length, key).toBeGreaterThan(0);
      expect(placeholders(res.body[key]), key).toEqual([...params].sort());
    }
  });

  it("is the pack HelperIQ keeps in packages/core (its own web app reads the same), every value a non-empty string", async () => {
    const res = await a.anonymous.get("/api/v1/lang/en");
    expect(res.body).toEqual(en);
    expect(Object.keys(en).length).toBeGreaterThan(600);
    for (const [key, value] of Object.entries(en)) {
      expect(key, key).toMatch(/^[_A-Za-z][\w.]*$/);
      expect(typeof value === "string" && value.trim().length > 0, key).toBe(true);
      // A pipe separates vue-i18n plural forms: "Status | Statuses" has exactly two non-empty ones.
      if (value.includes("|"))
        expect(
          value.split("|").every((form) => form.trim().length > 0),
          key,
        ).toBe(true);
    }
  });

  it("defines each English key in one part only, and each web-app part only under its own web.<area> prefix", () => {
    const seen = new Map<string, string>();
    for (const [file, part] of Object.entries(ENGLISH_PARTS)) {
      const area = /^en-web\/([a-z-]+)\.json$/.exec(file)?.[1];
      for (const key of Object.keys(part)) {
        expect(seen.get(key), `${key} is in ${file} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, file);
        if (area && area !== "shell") expect(key, file).toMatch(new RegExp(`^web\\.${area}\\.`));
        if (!area) expect(key, file).not.toMatch(/^web\./);
      }
    }
  });

  it("answers English for a language it has no pack for, saying so", async () => {
    for (const lang of ["xx", "pt-BR", "de"]) {
      const res = await a.anonymous.get(`/api/v1/lang/${lang}`);
      expect(res.status, lang).toBe(200);
      expect(res.body["_.code"], lang).toBe("en");
      expect(res.headers.get("content-language"), lang).toBe("en");
      expect(res.body["globals.terms.conversation"], lang).toBe(en["globals.terms.conversation"]);
    }
  });

  it("refuses something that is not a language code, naming it", async () => {
    const res = await a.anonymous.get("/api/v1/lang/e%21n");
    expect(res.status).toBe(400);
    expect(res.body.data).toMatchObject({ type: "InputError", message: expect.stringMatching(/^lang:/) });
  });

  it("GET /api/v1/lang lists the languages there are packs for", async () => {
    const res = await a.anonymous.get("/api/v1/lang");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ code: "en", name: en["_.name"] }]);
  });

  it("/config names the language to load and the languages there are", async () => {
    const res = await a.anonymous.get("/api/v1/config");
    expect(res.body.data["app.lang"]).toBe("en");
    expect(res.body.data.languages).toEqual([{ code: "en", name: en["_.name"] }]);
  });
});
