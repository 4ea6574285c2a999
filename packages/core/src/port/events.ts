/**
 * Domain events: what changed, published after the writing transaction commits. The realtime hub (agent
 * and widget WebSockets) subscribes to them; payloads carry only what a client needs to patch its state.
 * `typing` and `presence` are not stored anywhere: they travel the same way so that every instance
 * (in-process hub, Postgres relay, API Gateway) relays them like the rest.
 */
export type DomainEvent =
  | { type: "new_conversation"; tenantId: number; conversationUuid: string }
  | { type: "conversation_update"; tenantId: number; conversationUuid: string; changes: Record<string, unknown> }
  | { type: "new_message"; tenantId: number; conversationUuid: string; messageUuid: string }
  | {
      type: "message_update";
      tenantId: number;
      conversationUuid: string;
      messageUuid: string;
      changes: Record<string, unknown>;
    }
  | { type: "new_notification"; tenantId: number; userId: number; notificationId: number }
  | {
      type: "typing";
      tenantId: number;
      conversationUuid: string;
      /** Who types, and the connection that said so (it does not get its own typing back). */
      sender: { kind: "agent"; userId: number } | { kind: "contact"; contactId: number };
      connectionId: string;
      isTyping: boolean;
      /** An agent typing a private note: never relayed to the customer's widget. */
      isPrivate: boolean;
    }
  | {
      type: "presence";
      tenantId: number;
      /** The agent connection whose viewed conversation changed (presence is per connection). */
      connectionId: string;
      userId: number;
      firstName: string;
      /** Now viewing this conversation; null: nothing (cleared, or the connection closed). */
      conversationUuid: string | null;
      /** What it viewed before, so watchers of that conversation learn the viewer left. */
      previousUuid: string | null;
    };

export interface Events {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
