import { and, desc, eq, inArray } from "drizzle-orm";
import { conversations } from "../conversation/conversation.sql.ts";
import { messages } from "../conversation/message.sql.ts";
import type { Db } from "../port/database.ts";
import type { IncomingMail } from "./parse.ts";

export type ThreadRule = "references" | "plus_address" | "subject_reference";
export type ThreadMatch = { conversationId: number; rule: ThreadRule };

const PLUS_UUID = /^[^@+\s]+\+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@/i;
const TAGGED_REF = /\[#(\d{1,9})\]/;
const BARE_REF = /(?:^|[\s(:])#(\d{1,9})\b/;

/**
 * The conversation of `inboxId` an incoming mail belongs to (docs: threading order, /tmp/notes/threading.md):
 * 1. In-Reply-To, then References (newest first), matching a message's `source_id` in a conversation of
 *    this inbox — whoever the sender is (a colleague in Cc answering is still the same thread);
 * 2. a `local+{conversation uuid}@` address in To/Cc/Delivered-To/X-Original-To;
 * 3. `[#123]`, else `#123`, in the subject.
 * 2 and 3 only match a conversation of this inbox whose contact is the sender (`contactId`; none yet → no
 * match), so a guessed number or address never threads into someone else's conversation.
 */
export async function findThread(
  db: Db,
  tenantId: number,
  inboxId: number,
  mail: IncomingMail,
  contactId: number | undefined,
): Promise<ThreadMatch | null> {
  const wanted = [...mail.inReplyTo, ...[...mail.references].reverse()];
  if (wanted.length) {
    const rows = await db
      .select({ conversationId: messages.conversationId, sourceId: messages.sourceId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(messages.tenantId, tenantId),
          inArray(messages.sourceId, wanted.slice(0, 100)),
          eq(conversations.inboxId, inboxId),
        ),
      )
      .orderBy(desc(messages.id));
    for (const id of wanted) {
      const hit = rows.find((r) => r.sourceId === id);
      if (hit) return { conversationId: hit.conversationId, rule: "references" };
    }
  }
  if (contactId === undefined) return null;
  const owned = (where: ReturnType<typeof eq>) =>
    db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.tenantId, tenantId),
          eq(conversations.inboxId, inboxId),
          eq(conversations.contactId, contactId),
          where,
        ),
      );
  for (const address of [...mail.to, ...mail.cc, ...mail.deliveredTo]) {
    const uuid = PLUS_UUID.exec(address)?.[1]?.toLowerCase();
    if (!uuid) continue;
    const [hit] = await owned(eq(conversations.uuid, uuid));
    if (hit) return { conversationId: hit.id, rule: "plus_address" };
  }
  const ref = TAGGED_REF.exec(mail.subject)?.[1] ?? BARE_REF.exec(mail.subject)?.[1];
  if (ref) {
    const [hit] = await owned(eq(conversations.referenceNumber, Number(ref)));
    if (hit) return { conversationId: hit.id, rule: "subject_reference" };
  }
  return null;
}
