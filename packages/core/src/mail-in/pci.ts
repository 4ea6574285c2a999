import type { EmailConfig } from "../inbox/email-config.ts";
import { flagPci } from "../pci/flag.ts";
import type { Db } from "../port/database.ts";

/** An imported message as the PCI scanner sees it, inside the import's transaction. */
export type ScannedMessage = {
  tenantId: number;
  messageId: number;
  content: string;
  textContent: string;
  /** The inbox's settings: the scanner honours `skip_pci_scan`. */
  inbox: { id: number; config: EmailConfig };
};

/**
 * PCI hook point: called for every imported incoming message (not for skipped mail or bounce records),
 * inside the transaction that writes it, after the message row exists. Flags `meta.pci_detected` (spec
 * "PCI scrubbing") unless the workspace turned scanning off or the inbox has `skip_pci_scan`
 * (pci/flag.ts reads both, and the stored row). Idempotent, no network. The flag's `message_update`
 * is not needed: the import publishes `new_message` after commit, and clients read the meta with it.
 */
export async function scanIncoming(tx: Db, message: ScannedMessage): Promise<void> {
  await flagPci(tx, message.tenantId, message.messageId);
}
