import type { Actor } from "../context/index.ts";
import type { Db } from "../port/database.ts";
import type { DomainEvent } from "../port/events.ts";
import { messages } from "./message.sql.ts";

export type Activity = {
  /** What happened, for clients that render their own wording: `status`, `assign_user`, `merge`… */
  kind: string;
  /** The sentence shown in the conversation, e.g. "Ada Admin set status to Resolved". */
  text: string;
  meta?: Record<string, unknown>;
};

/** How an actor is named in activity sentences. */
export function actorName(actor: Actor): string {
  return actor.type === "agent" ? `${actor.firstName} ${actor.lastName}`.trim() : "System";
}

/**
 * Writes a public system message recording a change, inside the transaction of that change, and returns
 * the `new_message` event to publish once it has committed.
 */
export async function writeActivity(
  tx: Db,
  target: { tenantId: number; conversationId: number; conversationUuid: string; senderId: number | null; now: Date },
  activity: Activity,
): Promise<DomainEvent> {
  const [row] = await tx
    .insert(messages)
    .values({
      tenantId: target.tenantId,
      conversationId: target.conversationId,
      type: "activity",
      status: "sent",
      private: false,
      contentType: "text",
      content: activity.text,
      textContent: activity.text,
      senderId: target.senderId,
      senderType: "system",
      meta: { activity: activity.kind, ...activity.meta },
      createdAt: target.now,
    })
    .returning({ uuid: messages.uuid });
  return {
    type: "new_message",
    tenantId: target.tenantId,
    conversationUuid: target.conversationUuid,
    messageUuid: row!.uuid,
  };
}
