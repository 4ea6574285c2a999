/** The knowledge base: sources, sync, search and drafted replies. */
export * from "./rag.sql.ts";
export { parseSourceConfig, RAG_FILE_EXTENSIONS, MAX_CRAWL_DEPTH } from "./config.ts";
export {
  createSource,
  deleteSource,
  getSource,
  listSources,
  requestSync,
  updateSource,
  ragSourceView,
  type RagSourceView,
} from "./sources.ts";
export { syncSource, type SyncResult, type SyncDeps } from "./sync.ts";
export {
  searchKnowledge,
  searchByVector,
  DEFAULT_SEARCH_LIMIT,
  DEFAULT_SEARCH_THRESHOLD,
  LOCAL_SEARCH_THRESHOLD,
  defaultThresholdFor,
  MAX_SEARCH_LIMIT,
  type SearchHit,
} from "./search.ts";
export { generateReply, type GenerateInput, type GeneratedReply } from "./generate.ts";
export { localRagAi, type RagAi } from "./ai.ts";
export { enqueueResyncs } from "./schedule.ts";
export { uploadKnowledgeFile } from "./upload.ts";
