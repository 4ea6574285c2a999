import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Message } from "./types.ts";

/**
 * The thread's calls on one message: read it again, retry its failed delivery, redact its card data. Each
 * answers the message as it now is (core/message/view.ts).
 */
export const threadApi = {
  message: (conversationUuid: string, messageUuid: string) =>
    call(ENDPOINTS.message, { params: { uuid: conversationUuid, message_uuid: messageUuid } }),
  /** Only the original sender may retry, and only a `failed` message (400 otherwise); it becomes `pending`. */
  retry: (conversationUuid: string, messageUuid: string) =>
    call(ENDPOINTS.retryMessage, { params: { uuid: conversationUuid, message_uuid: messageUuid } }),
  /** Irreversible; a message with nothing to mask is answered unchanged. */
  redact: (conversationUuid: string, messageUuid: string) =>
    call(ENDPOINTS.redactMessage, { params: { uuid: conversationUuid, message_uuid: messageUuid } }),
};

/** Card data kinds the PCI scanner reports (core/pci/scan.ts PCI_KINDS). */
export type PciKind = "card_number" | "cvv" | "expiry";

/**
 * `meta.pci_detected` (core/pci/flag.ts PciFlag): flagged with `detected_at` until redacted (`redacted_at`).
 * Never the matched text.
 */
export type PciState = { state: "flagged" | "redacted"; kinds: PciKind[]; count: number } | null;

export function pciStateOf(message: Message): PciState {
  const flag = message.meta.pci_detected;
  if (typeof flag !== "object" || flag === null) return null;
  const f = flag as { kinds?: unknown; count?: unknown; redacted_at?: unknown };
  const kinds = Array.isArray(f.kinds) ? f.kinds.filter((k): k is PciKind => typeof k === "string") : [];
  return { state: f.redacted_at ? "redacted" : "flagged", kinds, count: typeof f.count === "number" ? f.count : 0 };
}

/** Why the last delivery attempt failed (`meta.delivery.last_error`, written by core/mail-out/deliver.ts). */
export function deliveryErrorOf(message: Message): string {
  const delivery = message.meta.delivery;
  if (typeof delivery !== "object" || delivery === null) return "";
  const error = (delivery as { last_error?: unknown }).last_error;
  return typeof error === "string" ? error : "";
}
