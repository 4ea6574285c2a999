import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { createInboxTransport } from "@helperiq/adapters/mail/inbox-transport";
import { createOutboundGuard } from "@helperiq/adapters/net/outbound-guard";
import { generateKeyringSpec, parseKeyring, seal } from "@helperiq/core/crypto/secret-box";
import type { EmailConfig } from "@helperiq/core/inbox/email-config";
import { deliverMessage } from "@helperiq/core/mail-out/deliver";
import { systemClock } from "@helperiq/core/port/index";
import { conversations, inboxes, messages, statuses, users } from "@helperiq/core/schema";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { nextReferenceNumber } from "@helperiq/core/conversation/reference";
import { and, eq, sql } from "drizzle-orm";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, startPostgres } from "../tests/support/postgres-server.ts";
import { startSmtpPeer } from "../tests/support/smtp-peer.ts";

/**
 * Issue 5's delivery throughput: N replies stored `pending` (BENCH_DELIVERIES, default 2000, spread over
 * conversations whose customer wrote first, so every mail carries threading headers), then delivered by
 * the real `message.deliver` job — claim, compose (signature, threading lookups), nodemailer over a pooled
 * SMTP transport (`max_conns` 5) to a local smtp-server peer, record `sent` — with BENCH_CONCURRENCY jobs
 * at a time (default 10: one SQS batch of the worker Lambda), on the PostgreSQL server.
 */
export async function benchDeliver(log: (line: string) => void = console.log) {
  const total = Number(process.env.BENCH_DELIVERIES ?? 2000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
  const perConversation = 5;
  const server = await startPostgres();
  const database = openNodePostgres(await createDatabase(server.url, "bench_deliver"), { max: concurrency + 2 });
  const peer = await startSmtpPeer();
  // The bench's SMTP peer listens on 127.0.0.1.
  const transport = createInboxTransport({ guard: createOutboundGuard({ allow: "127.0.0.1" }) });
  try {
    await database.migrate();
    const db = database.db;
    const secrets = parseKeyring(generateKeyringSpec());
    const p = await provisionTenant(db, {
      slug: "deliver",
      name: "Deliver bench",
      admin: {
        email: "admin@deliver.bench",
        firstName: "Ada",
        lastName: "Admin",
        password: "correct horse battery staple",
      },
    });
    const url = new URL(peer.url);
    const config: EmailConfig = {
      auth_type: "password",
      imap: [],
      smtp: [
        { host: url.hostname, port: Number(url.port), tls: "none", username: "", max_conns: 5, tls_skip_verify: false },
      ],
      reply_to: "",
      aliases: [],
      signature: "<p>Regards,<br>{{agent.full_name}}</p>",
      auto_assign_on_reply: false,
      enable_plus_addressing: true,
      skip_pci_scan: false,
    };
    const [inbox] = await db
      .insert(inboxes)
      .values({
        tenantId: p.tenantId,
        name: "Support",
        channel: "email",
        from: "Support <support@deliver.bench>",
        config,
        secrets: seal(secrets, JSON.stringify({ smtp: [""] })),
      })
      .returning();
    const [open] = await db
      .select({ id: statuses.id })
      .from(statuses)
      .where(and(eq(statuses.tenantId, p.tenantId), eq(statuses.name, "Open")));
    const [contact] = await db
      .insert(users)
      .values({
        tenantId: p.tenantId,
        type: "contact",
        email: "customer@example.org",
        firstName: "Casey",
        lastName: "Customer",
      })
      .returning();
    log(`queueing ${total} replies…`);
    const ids: number[] = [];
    const earlier = new Date(Date.now() - 3600_000);
    for (let c = 0; c < Math.ceil(total / perConversation); c++) {
      const [conv] = await db
        .insert(conversations)
        .values({
          tenantId: p.tenantId,
          referenceNumber: await nextReferenceNumber(db, p.tenantId),
          inboxId: inbox!.id,
          contactId: contact!.id,
          statusId: open!.id,
          subject: `Order ${c}`,
        })
        .returning({ id: conversations.id });
      await db.insert(messages).values({
        tenantId: p.tenantId,
        conversationId: conv!.id,
        type: "incoming",
        status: "received",
        senderType: "contact",
        senderId: contact!.id,
        content: "<p>Where is my order?</p>",
        sourceId: `<order-${c}@example.org>`,
        createdAt: earlier,
      });
      const n = Math.min(perConversation, total - ids.length);
      const rows = await db
        .insert(messages)
        .values(
          Array.from({ length: n }, (_, i) => ({
            tenantId: p.tenantId,
            conversationId: conv!.id,
            type: "outgoing" as const,
            status: "pending" as const,
            senderType: "agent" as const,
            senderId: p.adminId,
            content: `<p>Update ${i} on your order: it ships <b>today</b>.</p>`,
            textContent: `Update ${i} on your order: it ships today.`,
            meta: { to: ["customer@example.org"], cc: [], bcc: [], pending_delivery: true },
          })),
        )
        .returning({ id: messages.id });
      ids.push(...rows.map((r) => r.id));
    }
    const deps = {
      db,
      clock: systemClock,
      secrets,
      blobs: createFilesystemBlobStore(mkdtempSync(join(tmpdir(), "hq-bench-deliver-"))),
      events: createEventBus(),
      channelMailer: transport,
      // A delivery's follow-up work (a set_status's notifications) is not what this measures.
      queue: { send: async () => undefined },
    };
    log(`delivering with ${concurrency} jobs at a time…`);
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          const s = performance.now();
          await deliverMessage(deps, p.tenantId, id);
          latencies.push(performance.now() - s);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const [counts] = await db
      .select({
        sent: sql<number>`count(*) filter (where ${messages.status} = 'sent')::int`,
        other: sql<number>`count(*) filter (where ${messages.status} <> 'sent')::int`,
      })
      .from(messages)
      .where(and(eq(messages.tenantId, p.tenantId), eq(messages.type, "outgoing")));
    if (counts!.sent !== total || peer.received.length !== total) {
      throw new Error(
        `expected ${total} sent and received, got ${counts!.sent} sent, ${counts!.other} not, ${peer.received.length} at the peer`,
      );
    }
    latencies.sort((x, y) => x - y);
    const pct = (q: number) =>
      Number(latencies[Math.min(latencies.length - 1, Math.floor((q / 100) * latencies.length))]!.toFixed(2));
    const result = {
      deliveries: total,
      concurrency,
      smtp_max_conns: 5,
      seconds: Number(seconds.toFixed(2)),
      messages_per_second: Number((total / seconds).toFixed(1)),
      p50_ms: pct(50),
      p99_ms: pct(99),
    };
    log(
      `delivered ${total} in ${result.seconds} s: ${result.messages_per_second} messages/s (p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms)`,
    );
    return result;
  } finally {
    transport.close();
    await peer.close();
    await database.close();
    await server.stop();
  }
}
