import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Page } from "playwright-core";

/** Debian's Chromium (scripts/provision-chromium.sh installs it); Playwright's own browser downloads are not reachable. */
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  // No DNS prefetch for the links pages show (an SSO button's https://sso.acme.example): nothing leaves loopback.
  "--dns-prefetch-disable",
  "--disable-component-update",
  "--disable-sync",
];

export const SCREENSHOT_DIR = path.resolve(".test-work", "screenshots");

/** Saves a full-page screenshot as .test-work/screenshots/<name>.png (a test artifact to look at). */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Everything that went wrong in a page: console errors (CSP refusals and missing translations included),
 * uncaught exceptions and unhandled rejections, and HTTP answers of 400 or more. Chrome also logs each
 * failed response as a console error; those lines are left to the HTTP list, where a test names the
 * failures it provoked (`expectHttpErrors`) and any other one fails it.
 */
export function watchPage(page: Page) {
  const problems: string[] = [];
  let http: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (message.text().startsWith("Failed to load resource: the server responded with a status of")) return;
    problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  page.on("response", (response) => {
    if (response.status() < 400) return;
    const url = new URL(response.url());
    http.push(`${response.status()} ${response.request().method()} ${url.pathname}`);
  });
  return {
    problems,
    /** The failed answers since the last call, which must be exactly `expected` (in any order); clears the list. */
    takeHttpErrors(): string[] {
      const taken = http.sort();
      http = [];
      return taken;
    },
  };
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

/**
 * axe-core's WCAG 2.x A/AA rules on the page as it is. The script is evaluated through the DevTools
 * protocol, which the page's CSP does not govern (an injected <script> would be refused, rightly).
 */
export async function axeViolations(
  page: Page,
  minimum: "serious" | "moderate" = "serious",
  /** A CSS selector to check only that part of the page (a suite's own area), instead of the whole document. */
  within?: string,
): Promise<AxeViolation[]> {
  await page.evaluate(axeSource());
  // Runs in the page (no DOM types in this program: `document` is the page's, reached through globalThis).
  const result = await page.evaluate(async (selector) => {
    const g = globalThis as unknown as {
      document: unknown;
      axe: { run(ctx: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
    };
    const context = selector ? { include: [selector] } : g.document;
    return g.axe.run(context, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
  }, within ?? null);
  const levels = minimum === "serious" ? ["serious", "critical"] : ["moderate", "serious", "critical"];
  return result.violations.filter((v) => levels.includes(v.impact ?? ""));
}
