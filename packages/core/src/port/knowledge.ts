/** Reading knowledge-base content from outside: uploaded files' text and crawled web pages (adapters/knowledge). */

export type CrawledPage = { url: string; title: string; text: string };

export type CrawlLimits = {
  /** Links followed from the start page: 0 is the start page alone. */
  depth: number;
  maxPages: number;
  /** Per page; a bigger body is cut off there. */
  maxBytes: number;
  /** Per request (robots.txt and each page). */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
};

export interface KnowledgeReader {
  /** Plain text of a .pdf, .docx, .txt or .md file; throws an Error with a message safe to show otherwise. */
  fileText(file: { filename: string; contentType: string; bytes: Uint8Array }): Promise<string>;
  /**
   * The HTML pages reachable from `url` on the same host within `depth` links, robots.txt respected,
   * canonical URLs de-duplicated, in breadth-first order. Throws when the start page cannot be read.
   */
  crawl(url: string, limits: CrawlLimits): Promise<CrawledPage[]>;
}
