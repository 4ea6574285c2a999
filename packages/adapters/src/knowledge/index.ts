import type { KnowledgeReader } from "@helperiq/core/port/knowledge";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { crawl } from "./crawl.ts";
import { fileText } from "./extract.ts";

/**
 * The knowledge base's readers: file text (unpdf, mammoth) and a same-host web crawler (html-to-text,
 * robots-parser) whose every request goes through the outbound guard: a workspace's source URL, and every
 * redirect from it, reaches only what the policy allows.
 */
export function createKnowledgeReader(opts: { guard: OutboundGuard }): KnowledgeReader {
  return { fileText, crawl: (url, limits) => crawl(opts.guard.request, url, limits) };
}
