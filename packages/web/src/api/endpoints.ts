/**
 * Every API route the web app calls, as [method, path] in the API's own `:param` syntax. Plain data: a
 * test (tests/server/web-serving.test.ts) checks each one against the API's route table, so the app can
 * only ever use public, documented routes.
 */
export const ENDPOINTS = {
  config: ["GET", "/api/v1/config"],
  lang: ["GET", "/api/v1/lang/:lang"],
  login: ["POST", "/api/v1/auth/login"],
  logout: ["POST", "/api/v1/auth/logout"],
  requestPasswordReset: ["POST", "/api/v1/agents/reset-password"],
  setPassword: ["POST", "/api/v1/agents/set-password"],
  me: ["GET", "/api/v1/agents/me"],
  myTeams: ["GET", "/api/v1/agents/me/teams"],
  agentsCompact: ["GET", "/api/v1/agents/compact"],
  myViews: ["GET", "/api/v1/views/me"],
  sharedViews: ["GET", "/api/v1/views/shared"],
  statuses: ["GET", "/api/v1/statuses"],
  priorities: ["GET", "/api/v1/priorities"],
  conversationsAssigned: ["GET", "/api/v1/conversations/assigned"],
  conversationsUnassigned: ["GET", "/api/v1/conversations/unassigned"],
  conversationsAll: ["GET", "/api/v1/conversations/all"],
  conversationsMentioned: ["GET", "/api/v1/conversations/mentioned"],
  teamConversations: ["GET", "/api/v1/teams/:id/conversations/unassigned"],
  viewConversations: ["GET", "/api/v1/views/:id/conversations"],
  conversation: ["GET", "/api/v1/conversations/:uuid"],
  conversationStatus: ["PUT", "/api/v1/conversations/:uuid/status"],
  conversationSeen: ["PUT", "/api/v1/conversations/:uuid/last-seen"],
  messages: ["GET", "/api/v1/conversations/:uuid/messages"],
  sendMessage: ["POST", "/api/v1/conversations/:uuid/messages"],
  uploadMedia: ["POST", "/api/v1/media"],
  drafts: ["GET", "/api/v1/drafts"],
  saveDraft: ["POST", "/api/v1/conversations/:uuid/draft"],
  deleteDraft: ["DELETE", "/api/v1/conversations/:uuid/draft"],
  macros: ["GET", "/api/v1/macros"],
  applyMacro: ["POST", "/api/v1/conversations/:uuid/macros/:id/apply"],
  aiPrompts: ["GET", "/api/v1/ai/prompts"],
  aiCompletion: ["POST", "/api/v1/ai/completion"],
  ragGenerate: ["POST", "/api/v1/rag/generate"],
  inboxSignature: ["GET", "/api/v1/inboxes/:id/signature"],
  message: ["GET", "/api/v1/conversations/:uuid/messages/:message_uuid"],
  retryMessage: ["PUT", "/api/v1/conversations/:uuid/messages/:message_uuid/retry"],
  redactMessage: ["POST", "/api/v1/conversations/:uuid/messages/:message_uuid/redact"],
} as const satisfies Record<string, readonly ["GET" | "POST" | "PUT" | "DELETE", `/${string}`]>;

export type Endpoint = (typeof ENDPOINTS)[keyof typeof ENDPOINTS];
