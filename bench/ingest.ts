import { mkdtempSync, readFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { createImapMailbox } from "@helperiq/adapters/mail/imap-mailbox";
import { createOutboundGuard } from "@helperiq/adapters/net/outbound-guard";
import { generateKeyringSpec, parseKeyring, seal } from "@helperiq/core/crypto/secret-box";
import type { EmailConfig } from "@helperiq/core/inbox/email-config";
import { pollInbox, type PollDeps } from "@helperiq/core/mail-in/poll";
import { systemClock } from "@helperiq/core/port/index";
import { inboxes, messages } from "@helperiq/core/schema";
import { provisionTenant } from "@helperiq/core/tenant/provision";
import { sql } from "drizzle-orm";
import { startDovecot } from "../tests/support/dovecot.ts";
import { createDatabase, startPostgres } from "../tests/support/postgres-server.ts";

const FIXTURES = join(import.meta.dirname, "../tests/fixtures/mail");
/** The mix appended: plain and HTML mail, charsets, attachments and inline images, as the tests' samples. */
const SAMPLES = [
  "html-alternative.eml",
  "attachments.eml",
  "inline-image.eml",
  "iso-8859-1.eml",
  "windows-1252.eml",
  "shift_jis.eml",
];

/**
 * Issue 5's ingestion figure: BENCH_INGEST_MAILS (2,000) customer mails APPENDed to a private Dovecot,
 * imported by ONE poll (batch size = all of them) into PostgreSQL, through the real imapflow adapter,
 * parser, threading and media storage (filesystem). Reports the poll's messages/s; the APPEND time is
 * reported apart and not counted.
 */
export async function benchIngest(log: (line: string) => void = console.log) {
  const count = Number(process.env.BENCH_INGEST_MAILS ?? 2000);
  const [dovecot, server] = await Promise.all([startDovecot(), startPostgres()]);
  const database = openNodePostgres(await createDatabase(server.url, "bench_ingest"), { max: 10 });
  try {
    await database.migrate();
    const db = database.db;
    const secrets = parseKeyring(generateKeyringSpec());
    const { tenantId } = await provisionTenant(db, {
      slug: "ingest",
      name: "Ingest",
      admin: { email: "admin@ingest.bench", firstName: "A", lastName: "", password: "bench password 1" },
    });
    const imap = await dovecot.addUser();
    const address = "support@acme.test";
    const config: EmailConfig = {
      auth_type: "password",
      imap: [
        {
          host: imap.host,
          port: imap.port,
          tls: imap.tls,
          username: imap.username,
          mailbox: imap.mailbox,
          read_interval: "1m",
          tls_skip_verify: false,
        },
      ],
      smtp: [],
      reply_to: "",
      aliases: [],
      signature: "",
      auto_assign_on_reply: false,
      enable_plus_addressing: false,
      skip_pci_scan: false,
    };
    const [inbox] = await db
      .insert(inboxes)
      .values({
        tenantId,
        name: "Support",
        channel: "email",
        from: address,
        config,
        secrets: seal(secrets, JSON.stringify({ imap: [imap.password], smtp: [] })),
      })
      .returning({ id: inboxes.id });

    const samples = SAMPLES.map((name) =>
      readFileSync(join(FIXTURES, name))
        .toString("latin1")
        .replace(/\{\{INBOX\}\}/g, address),
    );
    const raws = Array.from({ length: count }, (_, i) => {
      const sample = samples[i % samples.length]!;
      // Distinct Message-IDs and senders: every mail is new and most start their own conversation.
      return Buffer.from(
        sample
          .replace(/^Message-ID: <([^>]+)>/im, `Message-ID: <bench-${i}-$1>`)
          .replace(/^From: (.*)<([^@>]+)@/im, `From: $1<$2+${i % 400}@`),
        "latin1",
      );
    });
    log(`appending ${count} mails to Dovecot…`);
    const appendStart = performance.now();
    const client = await dovecot.client(imap);
    for (const raw of raws) await client.append("INBOX", raw);
    await client.logout();
    const appendSeconds = (performance.now() - appendStart) / 1000;

    const deps: PollDeps = {
      db,
      clock: systemClock,
      secrets,
      blobs: createFilesystemBlobStore(mkdtempSync(join(tmpdir(), "hq-bench-ingest-"))),
      queue: { send: async () => {} },
      events: createEventBus(),
      // The bench's Dovecot listens on 127.0.0.1.
      mailbox: createImapMailbox({ guard: createOutboundGuard({ allow: "127.0.0.1" }) }),
    };
    log(`one poll of ${count} mails…`);
    const start = performance.now();
    const result = await pollInbox(deps, tenantId, inbox!.id, { batchSize: count });
    const seconds = (performance.now() - start) / 1000;
    const [stored] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(sql`${messages.tenantId} = ${tenantId} AND ${messages.type} = 'incoming'`);
    if (result.imported !== count || stored!.n !== count)
      throw new Error(`imported ${result.imported} (stored ${stored!.n}) of ${count}`);
    return {
      database: "postgresql (node-postgres, local server)",
      mails: count,
      mix: SAMPLES,
      append_seconds: round(appendSeconds),
      poll_seconds: round(seconds),
      messages_per_second: round(count / seconds),
      // Context: the figure is only comparable on a machine that was otherwise idle.
      cpus: cpus().length,
      load_average_1m: round(loadavg()[0]!),
    };
  } finally {
    await database.close();
    await Promise.all([server.stop(), dovecot.stop()]);
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
