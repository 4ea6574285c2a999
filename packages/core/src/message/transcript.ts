import { and, asc, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { getConversation, visibleConversationId, type ConversationRef } from "../conversation/get.ts";
import { media } from "../media/media.sql.ts";
import { users } from "../user/user.sql.ts";
import { messages } from "../conversation/message.sql.ts";

/** Messages written out at most; a longer conversation's transcript ends with how many were left out. */
export const TRANSCRIPT_MAX_MESSAGES = 5000;

export type Transcript = { filename: string; text: string };

const name = (first: string, last: string) => `${first} ${last}`.trim();
/** `2024-05-01 09:30 UTC`: minutes are enough for a reader, and UTC is the one zone everyone can convert. */
const stamp = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * `GET /conversations/{uuid}/transcript` (LibreDesk's download): the conversation as plain text, what the
 * customer and the agents wrote to each other oldest first (private notes and activity left out, as in
 * LibreDesk), with each message's attachments named. The conversation must be visible to the caller (404).
 */
export async function conversationTranscript(ctx: Ctx, ref: ConversationRef): Promise<Transcript> {
  const conversationId = await visibleConversationId(ctx, ref);
  const conversation = await getConversation(ctx, ref);
  const where = and(
    eq(messages.tenantId, ctx.tenantId),
    eq(messages.conversationId, conversationId),
    inArray(messages.type, ["incoming", "outgoing"]),
    eq(messages.private, false),
  );
  const rows = await ctx.db
    .select({
      id: messages.id,
      type: messages.type,
      text: messages.textContent,
      createdAt: messages.createdAt,
      firstName: users.firstName,
      lastName: users.lastName,
      email: users.email,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.senderId))
    .where(where)
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(TRANSCRIPT_MAX_MESSAGES + 1);
  const shown = rows.slice(0, TRANSCRIPT_MAX_MESSAGES);
  const files = shown.length
    ? await ctx.db
        .select({ messageId: media.messageId, filename: media.filename })
        .from(media)
        .where(
          and(
            eq(media.tenantId, ctx.tenantId),
            inArray(
              media.messageId,
              shown.map((r) => r.id),
            ),
          ),
        )
        .orderBy(asc(media.id))
    : [];
  const contact = conversation.contact;
  const contactName = name(contact.first_name, contact.last_name);
  const lines = [
    `Conversation #${conversation.reference_number}: ${conversation.subject}`,
    `Contact: ${[contactName, contact.email && `<${contact.email}>`].filter(Boolean).join(" ")}`,
    `Status: ${conversation.status}`,
    `Created: ${conversation.created_at ? stamp(new Date(conversation.created_at)) : ""}`,
    "",
  ];
  for (const row of shown) {
    // An incoming message without a sender row is the conversation's contact writing.
    const fallback = row.type === "incoming" ? contactName || contact.email || "Customer" : "Agent";
    const who = name(row.firstName ?? "", row.lastName ?? "") || row.email || fallback;
    lines.push(`[${stamp(row.createdAt)}] ${who} (${row.type === "incoming" ? "customer" : "agent"}):`);
    lines.push(row.text || "(no text)");
    const attached = files.filter((f) => f.messageId === row.id).map((f) => f.filename);
    if (attached.length) lines.push(`Attachments: ${attached.join(", ")}`);
    lines.push("");
  }
  if (rows.length > shown.length) lines.push(`(Only the first ${TRANSCRIPT_MAX_MESSAGES} messages are included.)`);
  return { filename: `transcript-${conversation.reference_number}.txt`, text: lines.join("\n") };
}
