import { call, upload } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Conversation, Data, Message } from "./types.ts";

/** The reply editor's calls: sending with recipients and uploads, drafts, macros, uploads, AI, signatures. */

export type Upload = {
  id: number;
  uuid: string;
  filename: string;
  content_type: string;
  size: number;
  /** Signed, absolute: an inline image shows from it, and the server recognises `/uploads/{uuid}` in the HTML. */
  url: string;
  inline: boolean;
};

export type Draft = Data<"GET", "/api/v1/drafts">[number];
export type DraftInput = Omit<Draft, "conversation_uuid" | "created_at" | "updated_at">;

/** `message_content`: sanitised HTML with `{{ variable }}` placeholders the client fills. */
export type Macro = Data<"GET", "/api/v1/macros">[number];

export type AiPrompt = Data<"GET", "/api/v1/ai/prompts">[number];
export type GeneratedReply = Data<"POST", "/api/v1/rag/generate">;

/** `POST …/messages`: a reply, a private note, or a forward (`forwarded_to`); uploads by uuid. */
export type SendInput = {
  message: string;
  private: boolean;
  cc?: string[];
  bcc?: string[];
  forwarded_to?: string[];
  attachments?: { media_uuid: string }[];
  mentions?: number[];
  /** Applied by the server once the channel accepted the reply (never for a note). */
  set_status?: string;
};

/** Uploads a file (`inline`: an image shown inside the message) with progress (see `upload`). */
export function uploadMedia(
  file: File,
  options: { inline?: boolean; onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<Upload> {
  const form = new FormData();
  form.append("file", file);
  if (options.inline) form.append("inline", "true");
  return upload(ENDPOINTS.uploadMedia, form, { onProgress: options.onProgress, signal: options.signal });
}

export const editorApi = {
  send: (uuid: string, body: SendInput) => call<Message>(ENDPOINTS.sendMessage, { params: { uuid }, body }),
  setStatus: (uuid: string, status: string, snoozedUntil?: string) =>
    call<true>(ENDPOINTS.conversationStatus, { params: { uuid }, body: { status, snoozed_until: snoozedUntil } }),

  /** The API lists all of the caller's drafts; the one of a conversation is picked from them. */
  drafts: () => call<Draft[]>(ENDPOINTS.drafts),
  saveDraft: (uuid: string, draft: DraftInput) => call<Draft>(ENDPOINTS.saveDraft, { params: { uuid }, body: draft }),
  deleteDraft: (uuid: string) => call<true>(ENDPOINTS.deleteDraft, { params: { uuid } }),

  macros: () => call<Macro[]>(ENDPOINTS.macros),
  applyMacro: (uuid: string, id: number) => call<Conversation>(ENDPOINTS.applyMacro, { params: { uuid, id } }),

  aiPrompts: () => call<AiPrompt[]>(ENDPOINTS.aiPrompts),
  aiRewrite: (prompt_key: string, text: string, target_language?: string) =>
    // Asked with `text`, the API answers {completion, provider, model}; the bare string is LibreDesk's `content` form.
    call<{ completion: string } | string>(ENDPOINTS.aiCompletion, { body: { prompt_key, text, target_language } }).then(
      (answer) => (typeof answer === "string" ? { completion: answer } : answer),
    ),
  draftFromKnowledge: (uuid: string) =>
    call<GeneratedReply>(ENDPOINTS.ragGenerate, { body: { conversation_id: uuid } }),

  /** The caller's signature above the inbox's, placeholders filled; "" when neither is set. */
  signature: (inboxId: number, uuid: string) =>
    call<{ signature: string }>(ENDPOINTS.inboxSignature, {
      params: { id: inboxId },
      query: { conversation_uuid: uuid },
    }),
};
