import type { KnowledgeReader } from "@helperiq/core/port/knowledge";
import { crawl } from "./crawl.ts";
import { fileText } from "./extract.ts";

/** The knowledge base's readers: file text (unpdf, mammoth) and a same-host web crawler (html-to-text, robots-parser). */
export function createKnowledgeReader(): KnowledgeReader {
  return { fileText, crawl };
}
