// Shared by the tests/mail/delivery*.test.ts suites: an email inbox sending to a real smtp-server peer.
import type { SmtpServer } from "@helperiq/core/inbox/email-config";
import { storeMedia } from "@helperiq/core/media/store";
import { messages } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { simpleParser, type ParsedMail } from "mailparser";
import type { TestApp } from "../support/app.ts";
import type { SmtpPeer } from "../support/smtp-peer.ts";

/** The peer as an inbox's SMTP server (plain SMTP on loopback). */
export function peerServer(peer: SmtpPeer, over: Partial<SmtpServer> = {}): SmtpServer {
  const url = new URL(peer.url);
  return {
    host: url.hostname,
    port: Number(url.port),
    tls: "none",
    username: "",
    password: "",
    max_conns: 2,
    tls_skip_verify: false,
    ...over,
  };
}

/** Everything the peer received, parsed. */
export const parsedMail = (peer: SmtpPeer) => Promise.all(peer.received.map((m) => simpleParser(m.raw)));

/** The one mail the peer received for a Message-ID. */
export async function mailWithId(peer: SmtpPeer, messageId: string): Promise<ParsedMail & { envelopeTo: string[] }> {
  const found = [];
  for (const m of peer.received) {
    const parsed = await simpleParser(m.raw, { keepCidLinks: true });
    if (parsed.messageId === messageId) found.push(Object.assign(parsed, { envelopeTo: m.to }));
  }
  if (found.length !== 1) throw new Error(`expected one mail with Message-ID ${messageId}, got ${found.length}`);
  return found[0]!;
}

export async function messageRow(t: TestApp, uuid: string) {
  const [row] = await t.database.db.select().from(messages).where(eq(messages.uuid, uuid));
  return row!;
}

/** The statuses `message_update` events reported for a message, in order. */
export const statusEvents = (t: TestApp, messageUuid: string) =>
  t.published.flatMap((e) => (e.type === "message_update" && e.messageUuid === messageUuid ? [e.changes.status] : []));

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** An upload of `uploadedBy`, not held by any message yet (as POST /api/v1/media stores it). */
export function upload(
  t: TestApp,
  tenantId: number,
  uploadedBy: number,
  file: { filename: string; contentType: string; bytes: Uint8Array; inline?: boolean },
) {
  return storeMedia(t.database.db, t.blobs, {
    tenantId,
    uploadedBy,
    ...file,
    expiresAt: new Date(t.clock.now().getTime() + 3600_000),
  });
}
