/** The shapes the web app reads from the API (a subset of each resource: what the screens use). */

export type Page<T> = { results: T[]; total: number; total_pages: number; page: number; page_size: number };

export type SsoProvider = { id: number; name: string; logo_url: string | null; login_url: string };

export type AppConfig = {
  app_name: string;
  logo_url: string;
  sso_providers: SsoProvider[];
  languages: { code: string; name: string }[];
  default_language: string;
};

export type SignedIn = { id: number; email: string; first_name: string; last_name: string; csrf_token: string };

export type Me = {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  avatar_url: string | null;
  roles: string[];
  permissions: string[];
};

export type Team = { id: number; name: string; emoji?: string | null };
export type View = { id: number; name: string };
export type AgentSummary = { id: number; first_name: string; last_name: string; avatar_url?: string | null };
export type Status = { id: number; name: string; color: string | null; system: boolean; sort_order: number };
export type Priority = { id: number; name: string };

export type ConversationContact = {
  id: number;
  first_name: string;
  last_name: string;
  email: string | null;
  avatar_url: string | null;
};

/** A row of the conversation lists. */
export type ConversationRow = {
  uuid: string;
  reference_number: number;
  subject: string;
  status: string;
  status_id: number;
  priority: string | null;
  priority_id: number | null;
  assigned_user_id: number | null;
  assigned_team_id: number | null;
  inbox_id: number;
  inbox_name: string;
  inbox_channel: string;
  contact: ConversationContact;
  last_message_at: string | null;
  last_message: string | null;
  waiting_since: string | null;
  created_at: string;
  tags: string[];
  unread_count: number;
};

export type Conversation = ConversationRow & {
  inbox_mail: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  snoozed_until: string | null;
};

export type MessageType = "incoming" | "outgoing" | "activity";
export type MessageStatus = "received" | "pending" | "sending" | "sent" | "failed";

export type Message = {
  id: number;
  uuid: string;
  conversation_uuid: string;
  type: MessageType;
  status: MessageStatus;
  private: boolean;
  content_type: "html" | "text";
  content: string;
  text_content: string;
  sender_id: number | null;
  sender_type: "agent" | "contact" | "system";
  created_at: string;
  attachments: { uuid?: string; name?: string; url?: string; content_type?: string; size?: number }[];
};
