import { localChatModel, localEmbedder } from "../ai/local/index.ts";
import type { ChatModel, Embedder } from "../port/ai.ts";
import { DEFAULT_SYSTEM_PROMPT } from "./prompt.ts";

/** What drafting and indexing need from the workspace's AI settings. */
export type RagAi = { chat: ChatModel; embedder: Embedder; systemPrompt: string };

/** The local provider with the default prompt: what a workspace without AI settings uses. */
export function localRagAi(): RagAi {
  return { chat: localChatModel(), embedder: localEmbedder(), systemPrompt: DEFAULT_SYSTEM_PROMPT };
}
