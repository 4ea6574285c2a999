import { ImapFlow } from "imapflow";
import type { Mailbox, MailboxSession, RawMail } from "@helperiq/core/port/mailbox";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { describeFailure, mailboxFailure } from "./failure.ts";
import { imapFlowOptions } from "./imap-options.ts";

/** Sources are fetched this many at a time, or fewer when they add up to more than FETCH_BYTES. */
const FETCH_COUNT = 50;
const FETCH_BYTES = 16 * 1024 * 1024;

const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * The Mailbox port over imapflow: folders are opened read-only, so polling never changes the mailbox. The
 * server's host goes through the outbound guard on every poll (a name may resolve elsewhere since it was
 * saved); a failure to connect or open the folder is an Error described in words, never the server's text.
 */
export function createImapMailbox(opts: { guard: OutboundGuard; timeoutMs?: number }): Mailbox {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async open(server) {
      let client: ImapFlow;
      try {
        client = new ImapFlow(imapFlowOptions(server, await opts.guard.vet(server.host), timeoutMs));
        // A dropped connection must fail the run, not crash the process.
        client.on("error", () => {});
        await client.connect();
      } catch (err) {
        throw new Error(`IMAP: ${describeFailure(err, server, timeoutMs)}`);
      }
      try {
        const opened = await client.mailboxOpen(server.mailbox || "INBOX", { readOnly: true });
        return session(client, Number(opened.uidValidity));
      } catch (err) {
        await client.logout().catch(() => client.close());
        throw new Error(`IMAP: ${mailboxFailure(err, server.mailbox || "INBOX")}`);
      }
    },
  };
}

function session(client: ImapFlow, uidValidity: number): MailboxSession {
  return {
    uidValidity,
    async uidsAfter(after, limit) {
      // `n:*` always includes the highest UID, even when it is below n: filter on our side.
      const found = await client.search({ uid: `${after + 1}:*` }, { uid: true });
      return (found || [])
        .filter((uid) => uid > after)
        .sort((a, b) => a - b)
        .slice(0, limit);
    },
    async *fetchRaw(uids) {
      if (uids.length === 0) return;
      const sizes = new Map<number, number>();
      for (const m of await client.fetchAll(uids.join(","), { uid: true, size: true }, { uid: true }))
        sizes.set(m.uid, m.size ?? 0);
      const sorted = [...uids].sort((a, b) => a - b);
      for (const batch of batches(sorted, sizes)) {
        const fetched = await client.fetchAll(batch.join(","), { uid: true, source: true }, { uid: true });
        const byUid = new Map(fetched.map((m) => [m.uid, m.source] as const));
        for (const uid of batch) {
          const source = byUid.get(uid);
          // Expunged since it was listed: nothing to import under this UID.
          if (source) yield { uid, source: new Uint8Array(source) } satisfies RawMail;
        }
      }
    },
    async close() {
      await client.logout().catch(() => client.close());
    },
  };
}

function batches(uids: number[], sizes: Map<number, number>): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const uid of uids) {
    const size = sizes.get(uid) ?? 0;
    if (current.length && (current.length >= FETCH_COUNT || bytes + size > FETCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(uid);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}
