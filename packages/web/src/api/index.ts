import { call, callBare } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Query } from "./schema.ts";
import type { ConversationRow, Page } from "./types.ts";

export { ApiError, onSessionExpired } from "./client.ts";
export type * from "./types.ts";

/** Where a conversation list comes from: one of the fixed inboxes, a team's queue or a saved view. */
export type ListSource =
  | { kind: "assigned" | "unassigned" | "all" | "mentioned" }
  | { kind: "team"; id: number }
  | { kind: "view"; id: number };

/** A list page: `filters` as the API takes them (the JSON text), `orderBy`/`order` from the API's allow-list. */
export type ListQuery = {
  page: number;
  pageSize: number;
  statuses?: string[];
  filters?: string;
  orderBy?: ListOrderBy;
  order?: "asc" | "desc";
};
export type ListOrderBy = NonNullable<Query<"GET", "/api/v1/conversations/all">["order_by"]>;

const FIXED_LISTS = {
  assigned: ENDPOINTS.conversationsAssigned,
  unassigned: ENDPOINTS.conversationsUnassigned,
  all: ENDPOINTS.conversationsAll,
  mentioned: ENDPOINTS.conversationsMentioned,
} as const;

/** The typed API the screens use; nothing else talks to the server. */
export const api = {
  config: () => call(ENDPOINTS.config, { anonymous: true }),
  languagePack: (lang: string) => callBare(ENDPOINTS.lang, { params: { lang }, anonymous: true }),

  signIn: (email: string, password: string) => call(ENDPOINTS.login, { body: { email, password }, anonymous: true }),
  signOut: () => call(ENDPOINTS.logout, { anonymous: true }),
  requestPasswordReset: (email: string) => call(ENDPOINTS.requestPasswordReset, { body: { email }, anonymous: true }),
  setPassword: (token: string, password: string) =>
    call(ENDPOINTS.setPassword, { body: { token, password }, anonymous: true }),

  /** The signed-in agent; `anonymous` because at boot a 401 only means "not signed in". */
  me: (options: { anonymous?: boolean } = {}) => call(ENDPOINTS.me, options),
  myTeams: () => call(ENDPOINTS.myTeams),
  agents: () => call(ENDPOINTS.agentsCompact),
  myViews: () => call(ENDPOINTS.myViews),
  sharedViews: () => call(ENDPOINTS.sharedViews),
  statuses: () => call(ENDPOINTS.statuses),
  priorities: () => call(ENDPOINTS.priorities),

  conversations(source: ListSource, query: ListQuery, signal?: AbortSignal): Promise<Page<ConversationRow>> {
    const options = {
      query: {
        page: query.page,
        page_size: query.pageSize,
        statuses: query.statuses?.join(","),
        filters: query.filters,
        order_by: query.orderBy,
        order: query.order,
      },
      signal,
    };
    if (source.kind === "team") return call(ENDPOINTS.teamConversations, { ...options, params: { id: source.id } });
    if (source.kind === "view") return call(ENDPOINTS.viewConversations, { ...options, params: { id: source.id } });
    return call(FIXED_LISTS[source.kind], options);
  },
  conversation: (uuid: string) => call(ENDPOINTS.conversation, { params: { uuid } }),
  setStatus: (uuid: string, status: string) =>
    call(ENDPOINTS.conversationStatus, { params: { uuid }, body: { status } }),
  markSeen: (uuid: string) => call(ENDPOINTS.conversationSeen, { params: { uuid } }),
  /** Newest first, as the API pages them. */
  messages: (uuid: string, page: number, pageSize: number) =>
    call(ENDPOINTS.messages, { params: { uuid }, query: { page, page_size: pageSize } }),
  sendMessage: (uuid: string, body: { message: string; private: boolean }) =>
    call(ENDPOINTS.sendMessage, { params: { uuid }, body }),
};
