/** The "local" AI provider: works with no key and no network; any cloud provider replaces it by configuration. */
export { localEmbedder, embedText, LOCAL_EMBEDDING_MODEL } from "./embedder.ts";
export { localChatModel, draftReply, LOCAL_CHAT_MODEL } from "./drafter.ts";
