/**
 * Domain events: what changed, published after the writing transaction commits. The realtime hub (agent
 * and widget WebSockets) subscribes to them; payloads carry only what a client needs to patch its state.
 */
export type DomainEvent =
  | { type: "new_conversation"; tenantId: number; conversationUuid: string }
  | { type: "conversation_update"; tenantId: number; conversationUuid: string; changes: Record<string, unknown> }
  | { type: "new_message"; tenantId: number; conversationUuid: string; messageUuid: string }
  | { type: "message_update"; tenantId: number; conversationUuid: string; messageUuid: string; changes: Record<string, unknown> };

export interface Events {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
