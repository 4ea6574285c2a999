import { and, eq, sql } from "drizzle-orm";
import { conversations } from "../conversation/conversation.sql.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { messages } from "../conversation/message.sql.ts";
import type { Db } from "../port/database.ts";
import type { DomainEvent } from "../port/events.ts";
import { scanHtml } from "./html.ts";
import { getPciSettings } from "./settings.ts";
import { PCI_KINDS, scanText, type PciDetect, type PciKind, type PciSummary } from "./scan.ts";

/**
 * `meta.pci_detected` of a message: flagged (`detected_at`, what and how much was found) until it is
 * redacted (`redacted_at`, by whom). Never the matched text.
 */
export type PciFlag =
  | { kinds: PciKind[]; count: number; detected_at: string }
  | { redacted_at: string; redacted_by: number | null; kinds: PciKind[]; count: number };

export const isRedacted = (flag: unknown): boolean =>
  typeof flag === "object" && flag !== null && "redacted_at" in flag;

/** The stored fields of a message the scanner reads. */
export type ScannableMessage = { contentType: "html" | "text"; content: string; textContent: string };

/**
 * Card data in a message: its text and its HTML are scanned separately (an email's text and HTML parts
 * need not agree); the kinds of both, and the larger of the two counts.
 */
export function scanMessage(message: ScannableMessage, detect?: PciDetect): PciSummary {
  const textHits = scanText(message.textContent, detect);
  const contentHits =
    message.contentType === "html" ? scanHtml(message.content, detect).hits : scanText(message.content, detect);
  const kinds = PCI_KINDS.filter((k) => [...textHits, ...contentHits].some((h) => h.kind === k));
  return { kinds, count: Math.max(textHits.length, contentHits.length) };
}

export type FlagResult = {
  /** The flag now on the message; null when it was not scanned (disabled, inbox opted out), is clean or was redacted. */
  flag: PciFlag | null;
  /** A `message_update` with the new `meta`, for a message clients may already hold; empty when nothing changed. */
  events: DomainEvent[];
};

const NOTHING: FlagResult = { flag: null, events: [] };

/**
 * Scans an incoming message and flags it (`meta.pci_detected`) when it holds card data. Skipped when the
 * workspace turned PCI scanning off or the message's inbox has `config.skip_pci_scan`. Idempotent: a
 * message flagged before keeps its first `detected_at` (auto-redaction counts from it), a redacted one is
 * left alone. Call it inside the transaction that stores the message or right after; publish `events`
 * only if the message was already published (a `new_message` carries the meta anyway). `now` (the scan
 * time, from which auto-redaction counts) defaults to the message's `created_at`, which is the scan time
 * of a hook that runs as the message is stored.
 */
export async function flagPci(db: Db, tenantId: number, messageId: number, now?: Date): Promise<FlagResult> {
  const settings = await getPciSettings(db, tenantId);
  if (!settings.enabled) return NOTHING;
  const [row] = await db
    .select({
      id: messages.id,
      uuid: messages.uuid,
      contentType: messages.contentType,
      content: messages.content,
      textContent: messages.textContent,
      meta: messages.meta,
      createdAt: messages.createdAt,
      conversationUuid: conversations.uuid,
      inboxConfig: inboxes.config,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, messageId)));
  if (!row || row.inboxConfig.skip_pci_scan === true) return NOTHING;
  const previous = row.meta.pci_detected as PciFlag | undefined;
  if (isRedacted(previous)) return NOTHING;
  const found = scanMessage(row, settings.detect);
  if (found.count === 0) return NOTHING;
  const detectedAt =
    previous && "detected_at" in previous ? previous.detected_at : (now ?? row.createdAt).toISOString();
  const flag: PciFlag = { kinds: found.kinds, count: found.count, detected_at: detectedAt };
  const unchanged =
    previous &&
    "detected_at" in previous &&
    previous.count === flag.count &&
    previous.kinds.join() === flag.kinds.join();
  if (unchanged) return { flag, events: [] };
  // Merged in SQL so a concurrent change to another meta key is not lost; a redaction that committed since
  // the read wins (its row no longer matches).
  const [updated] = await db
    .update(messages)
    .set({ meta: sql`${messages.meta} || jsonb_build_object('pci_detected', ${JSON.stringify(flag)}::jsonb)` })
    .where(
      and(
        eq(messages.tenantId, tenantId),
        eq(messages.id, messageId),
        sql`(${messages.meta}->'pci_detected'->>'redacted_at') IS NULL`,
      ),
    )
    .returning({ meta: messages.meta });
  if (!updated) return NOTHING;
  const event: DomainEvent = {
    type: "message_update",
    tenantId,
    conversationUuid: row.conversationUuid,
    messageUuid: row.uuid,
    changes: { meta: updated.meta },
  };
  return { flag, events: [event] };
}
