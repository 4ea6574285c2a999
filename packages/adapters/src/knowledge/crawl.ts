import { convert } from "html-to-text";
import robotsParser from "robots-parser";
import type { CrawledPage, CrawlLimits } from "@helperiq/core/port/knowledge";

export const CRAWLER_USER_AGENT = "HelperIQ-KnowledgeBot/1.0";

type Fetched = { url: string; html: string };

/** The outbound guard's fetch (net/outbound-guard.ts): every page, robots.txt and redirect hop is vetted. */
export type CrawlFetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * Breadth-first crawl of one host (scheme, host and port of the start URL): robots.txt is fetched once
 * and obeyed for every page including the start page; only `text/html` answers are read, each cut at
 * `maxBytes`; a page whose canonical URL was already read is skipped; at most `maxPages` pages. A start
 * page the outbound policy refuses fails the crawl with the refusal's words.
 */
export async function crawl(fetch: CrawlFetch, start: string, limits: CrawlLimits): Promise<CrawledPage[]> {
  const origin = new URL(start).origin;
  const robots = await loadRobots(fetch, origin, limits);
  const allowed = (url: string) => robots?.isAllowed(url, CRAWLER_USER_AGENT) !== false;
  const startUrl = normalise(start);
  if (!allowed(startUrl)) throw new Error(`${startUrl}: disallowed by robots.txt`);

  const pages: CrawledPage[] = [];
  const seen = new Set([startUrl]);
  const canonicals = new Set<string>();
  let frontier = [startUrl];
  for (let depth = 0; depth <= limits.depth && frontier.length && pages.length < limits.maxPages; depth++) {
    const next: string[] = [];
    for (const url of frontier) {
      if (pages.length >= limits.maxPages) break;
      limits.signal?.throwIfAborted();
      let fetched: Fetched | undefined;
      try {
        fetched = await fetchHtml(fetch, url, origin, limits);
      } catch (err) {
        if (url === startUrl) throw err;
        continue; // A broken link deeper in the site is not the source's failure.
      }
      if (!fetched) continue;
      const canonical = canonicalOf(fetched.html, fetched.url, origin) ?? fetched.url;
      if (canonicals.has(canonical)) continue;
      canonicals.add(canonical);
      const text = htmlText(fetched.html);
      if (text) pages.push({ url: canonical, title: titleOf(fetched.html) || canonical, text });
      if (depth === limits.depth) continue;
      for (const link of linksOf(fetched.html, fetched.url, origin)) {
        if (!seen.has(link) && allowed(link)) {
          seen.add(link);
          next.push(link);
        }
      }
    }
    frontier = next;
  }
  return pages;
}

async function loadRobots(fetch: CrawlFetch, origin: string, limits: CrawlLimits) {
  const url = `${origin}/robots.txt`;
  try {
    const res = await fetch(url, { signal: signalOf(limits), headers: { "user-agent": CRAWLER_USER_AGENT } });
    if (!res.ok) return undefined; // No robots.txt: everything is allowed.
    return robotsParser(url, (await readCapped(res, 512 * 1024)).toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The page's HTML, or undefined when it is not HTML or redirected off the host. */
async function fetchHtml(
  fetch: CrawlFetch,
  url: string,
  origin: string,
  limits: CrawlLimits,
): Promise<Fetched | undefined> {
  const res = await fetch(url, {
    signal: signalOf(limits),
    headers: { "user-agent": CRAWLER_USER_AGENT, accept: "text/html,application/xhtml+xml" },
    redirect: "follow",
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${url}: HTTP ${res.status}`);
  }
  const finalUrl = normalise(res.url || url);
  const type = res.headers.get("content-type") ?? "";
  if (new URL(finalUrl).origin !== origin || !/^(text\/html|application\/xhtml\+xml)\b/i.test(type)) {
    await res.body?.cancel();
    return undefined;
  }
  return { url: finalUrl, html: (await readCapped(res, limits.maxBytes)).toString("utf8") };
}

/** Reads at most `max` bytes of the body, then stops the download. */
async function readCapped(res: Response, max: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(parts).subarray(0, max);
}

function signalOf(limits: CrawlLimits): AbortSignal {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  return limits.signal ? AbortSignal.any([timeout, limits.signal]) : timeout;
}

/** Absolute http(s) URL without its fragment. */
function normalise(url: string): string {
  const u = new URL(url);
  u.hash = "";
  return u.toString();
}

function resolveSameHost(href: string, base: string, origin: string): string | undefined {
  try {
    const u = new URL(href.trim().replace(/&amp;/g, "&"), base);
    if (!/^https?:$/.test(u.protocol) || u.origin !== origin) return undefined;
    return normalise(u.toString());
  } catch {
    return undefined;
  }
}

function linksOf(html: string, base: string, origin: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const link = resolveSameHost(m[1] ?? m[2] ?? m[3] ?? "", base, origin);
    if (link) out.push(link);
  }
  return out;
}

function canonicalOf(html: string, base: string, origin: string): string | undefined {
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/\brel\s*=\s*["']?canonical\b/i.test(tag)) continue;
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    if (href) return resolveSameHost(href[1] ?? href[2] ?? href[3] ?? "", base, origin);
  }
  return undefined;
}

function titleOf(html: string): string {
  const m = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  return m ? decodeEntities(m[1]!).replace(/\s+/g, " ").trim().slice(0, 300) : "";
}

function htmlText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "nav", format: "skip" },
      { selector: "header", format: "skip" },
      { selector: "footer", format: "skip" },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      { selector: "h3", options: { uppercase: false } },
      { selector: "table", format: "dataTable" },
    ],
  }).trim();
}

function decodeEntities(text: string): string {
  return convert(text, { wordwrap: false });
}
