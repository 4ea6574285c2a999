import { call, callBare } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type {
  AgentSummary,
  AppConfig,
  Conversation,
  ConversationRow,
  Me,
  Message,
  Page,
  Priority,
  SignedIn,
  Status,
  Team,
  View,
} from "./types.ts";

export { ApiError, onSessionExpired } from "./client.ts";
export type * from "./types.ts";

/** Where a conversation list comes from: one of the fixed inboxes, a team's queue or a saved view. */
export type ListSource =
  | { kind: "assigned" | "unassigned" | "all" | "mentioned" }
  | { kind: "team"; id: number }
  | { kind: "view"; id: number };

export type ListQuery = { page: number; pageSize: number; statuses?: string[] };

const FIXED_LISTS = {
  assigned: ENDPOINTS.conversationsAssigned,
  unassigned: ENDPOINTS.conversationsUnassigned,
  all: ENDPOINTS.conversationsAll,
  mentioned: ENDPOINTS.conversationsMentioned,
} as const;

/** The typed API the screens use; nothing else talks to the server. */
export const api = {
  config: () => call<AppConfig>(ENDPOINTS.config, { anonymous: true }),
  languagePack: (lang: string) =>
    callBare<Record<string, string>>(ENDPOINTS.lang, { params: { lang }, anonymous: true }),

  signIn: (email: string, password: string) =>
    call<SignedIn>(ENDPOINTS.login, { body: { email, password }, anonymous: true }),
  signOut: () => call<true>(ENDPOINTS.logout, { anonymous: true }),
  requestPasswordReset: (email: string) =>
    call<true>(ENDPOINTS.requestPasswordReset, { body: { email }, anonymous: true }),
  setPassword: (token: string, password: string) =>
    call<true>(ENDPOINTS.setPassword, { body: { token, password }, anonymous: true }),

  /** The signed-in agent; `anonymous` because at boot a 401 only means "not signed in". */
  me: (options: { anonymous?: boolean } = {}) => call<Me>(ENDPOINTS.me, options),
  myTeams: () => call<Team[]>(ENDPOINTS.myTeams),
  agents: () => call<AgentSummary[]>(ENDPOINTS.agentsCompact),
  myViews: () => call<View[]>(ENDPOINTS.myViews),
  sharedViews: () => call<View[]>(ENDPOINTS.sharedViews),
  statuses: () => call<Status[]>(ENDPOINTS.statuses),
  priorities: () => call<Priority[]>(ENDPOINTS.priorities),

  conversations(source: ListSource, query: ListQuery, signal?: AbortSignal) {
    const endpoint =
      source.kind === "team"
        ? ENDPOINTS.teamConversations
        : source.kind === "view"
          ? ENDPOINTS.viewConversations
          : FIXED_LISTS[source.kind];
    return call<Page<ConversationRow>>(endpoint, {
      params: "id" in source ? { id: source.id } : {},
      query: { page: query.page, page_size: query.pageSize, statuses: query.statuses?.join(",") },
      signal,
    });
  },
  conversation: (uuid: string) => call<Conversation>(ENDPOINTS.conversation, { params: { uuid } }),
  setStatus: (uuid: string, status: string) =>
    call<true>(ENDPOINTS.conversationStatus, { params: { uuid }, body: { status } }),
  markSeen: (uuid: string) => call<true>(ENDPOINTS.conversationSeen, { params: { uuid } }),
  /** Newest first, as the API pages them. */
  messages: (uuid: string, page: number, pageSize: number) =>
    call<Page<Message>>(ENDPOINTS.messages, { params: { uuid }, query: { page, page_size: pageSize } }),
  sendMessage: (uuid: string, body: { message: string; private: boolean }) =>
    call<Message>(ENDPOINTS.sendMessage, { params: { uuid }, body }),
};
