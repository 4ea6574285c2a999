import { and, asc, eq, ne } from "drizzle-orm";
import { macros } from "../macro/macro.sql.ts";
import { media } from "../media/media.sql.ts";
import { htmlToText } from "../html/sanitize.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Db } from "../port/database.ts";
import type { KnowledgeReader } from "../port/knowledge.ts";
import type { CustomConfig, FileConfig, WebpageConfig } from "./config.ts";
import type { RagSourceRow } from "./rag.sql.ts";

/** Crawl bounds of a webpage source. */
export const CRAWL_MAX_PAGES = 50;
export const CRAWL_MAX_PAGE_BYTES = 2 * 1024 * 1024;
export const CRAWL_TIMEOUT_MS = 10_000;
/** The whole crawl, well inside the queue worker's 5-minute Lambda timeout (infra/queue.ts). */
export const CRAWL_BUDGET_MS = 120_000;

/** One document of a source before chunking; `key` is its identity within the source. */
export type SourceDocument = {
  key: string;
  title: string;
  url: string | null;
  text: string;
  kind: "context" | "macro";
};

export type ReadDeps = { db: Db; blobs: BlobStore; knowledge?: KnowledgeReader | undefined };

/** What a source holds right now: its snippets, files' text, crawled pages or the workspace's macros. */
export async function readSourceDocuments(deps: ReadDeps, source: RagSourceRow): Promise<SourceDocument[]> {
  switch (source.sourceType) {
    case "custom":
      return (source.config as CustomConfig).snippets.map((text, i) => ({
        key: `snippet:${i}`,
        title: titleOfSnippet(text),
        url: null,
        text,
        kind: "context",
      }));
    case "file":
      return readFiles(deps, source.tenantId, source.config as FileConfig);
    case "webpage": {
      const { url, crawl_depth } = source.config as WebpageConfig;
      const pages = await reader(deps).crawl(url, {
        depth: crawl_depth,
        maxPages: CRAWL_MAX_PAGES,
        maxBytes: CRAWL_MAX_PAGE_BYTES,
        timeoutMs: CRAWL_TIMEOUT_MS,
        signal: AbortSignal.timeout(CRAWL_BUDGET_MS),
      });
      return pages.map((p) => ({ key: p.url, title: p.title, url: p.url, text: p.text, kind: "context" }));
    }
    case "macro":
      return readMacros(deps.db, source.tenantId);
  }
}

function reader(deps: ReadDeps): KnowledgeReader {
  if (!deps.knowledge) throw new Error("this deployment has no knowledge reader configured");
  return deps.knowledge;
}

async function readFiles(deps: ReadDeps, tenantId: number, config: FileConfig): Promise<SourceDocument[]> {
  const docs: SourceDocument[] = [];
  for (const upload of config.uploads) {
    const uuid = upload.media_uuid.toLowerCase();
    const [row] = await deps.db
      .select({ storageKey: media.storageKey, contentType: media.contentType })
      .from(media)
      .where(and(eq(media.tenantId, tenantId), eq(media.uuid, uuid)));
    const blob = row && (await deps.blobs.get(row.storageKey));
    if (!row || !blob) throw new Error(`${upload.filename}: the uploaded file is gone; upload it again`);
    const text = await reader(deps).fileText({
      filename: upload.filename,
      contentType: row.contentType,
      bytes: blob.body,
    });
    docs.push({ key: `media:${uuid}`, title: upload.filename, url: null, text, kind: "context" });
  }
  return docs;
}

/** Shared macros as tone examples (personal macros are their owner's and stay out). */
async function readMacros(db: Db, tenantId: number): Promise<SourceDocument[]> {
  const rows = await db
    .select({ id: macros.id, name: macros.name, content: macros.messageContent })
    .from(macros)
    .where(and(eq(macros.tenantId, tenantId), ne(macros.visibility, "personal")))
    .orderBy(asc(macros.id));
  return rows
    .map((m) => ({
      key: `macro:${m.id}`,
      title: m.name,
      url: null,
      text: htmlLines(m.content),
      kind: "macro" as const,
    }))
    .filter((d) => d.text.length > 0);
}

/** HTML to text keeping its lines (a macro's greeting and closing are lines of their own). */
export function htmlLines(html: string): string {
  return html
    .split(/<br\s*\/?>|<\/(?:p|div|li|h[1-6]|blockquote)>|\n/i)
    .map((part) => htmlToText(part))
    .filter(Boolean)
    .join("\n");
}

function titleOfSnippet(text: string): string {
  const first = text.trim().split(/\n/)[0]!.trim();
  return first.length <= 80 ? first : `${first.slice(0, 79)}…`;
}
