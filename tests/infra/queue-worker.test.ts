import { createAiClients } from "@helperiq/adapters/ai/index";
import { cloudQueue } from "../../functions/cloud-ports.ts";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { createImapMailbox } from "@helperiq/adapters/mail/imap-mailbox";
import { createInboxTransport } from "@helperiq/adapters/mail/inbox-transport";
import { createOutboundGuard } from "@helperiq/adapters/net/outbound-guard";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { parseKeyring, generateKeyringSpec } from "@helperiq/core/crypto/secret-box";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConsoleMailer } from "@helperiq/adapters/mail/console";
import { createLogPush } from "@helperiq/adapters/push/log";
import { systemCtx } from "@helperiq/core/context/index";
import { createImportJob, importJobs } from "@helperiq/core/import/index";
import { systemClock, type Database, type QueueMessage } from "@helperiq/core/port/index";
import { tags } from "@helperiq/core/schema";
import { tagImport } from "@helperiq/core/tag/import";
import { provisionTenant } from "@helperiq/core/tenant/index";
import type { SQSRecord } from "aws-lambda";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createQueueWorker, type QueueWorker } from "../../functions/queue/worker.ts";
import { MAX_RECEIVE_COUNT } from "../../functions/redrive.ts";
import { openTestDatabase } from "../support/test-db.ts";

/**
 * The jobs-queue Lambda (functions/queue/worker.ts) fed SQS events as Lambda delivers them, on the run's
 * database: createQueueWorker is the same factory the deployed handler uses.
 */

let database: Database;
let worker: QueueWorker;
let seq = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  worker = createQueueWorker(() => ({
    db: database.db,
    clock: systemClock,
    mailer: createConsoleMailer(),
    push: createLogPush(),
    secrets: parseKeyring(generateKeyringSpec()),
    blobs: createFilesystemBlobStore(mkdtempSync(join(tmpdir(), "hq-worker-media-"))),
    events: createEventBus(),
    mailbox: createImapMailbox({ guard: createOutboundGuard() }),
    ai: createAiClients(),
    channelMailer: createInboxTransport({ guard: createOutboundGuard() }),
    queue: cloudQueue({}),
  }));
});

afterAll(async () => {
  await database?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** An SQS record as Lambda hands it over, on its `receiveCount`-th delivery. */
function sqsRecord(body: unknown, receiveCount = 1): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: `msg-${++seq}`,
    receiptHandle: `receipt-${seq}`,
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: now,
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:helperiq-test-JobsQueue",
    awsRegion: "us-east-1",
  };
}

const deliver = (...records: SQSRecord[]) => worker({ Records: records });

async function tenant(slug: string) {
  const { tenantId } = await provisionTenant(database.db, {
    slug,
    name: slug,
    admin: { email: `admin@${slug}.test`, firstName: "Ada", lastName: "Admin", password: "a long enough password" },
  });
  return tenantId;
}

async function queueTagImport(tenantId: number, csv: string) {
  // The job's import.run is recorded here and handed to the worker as SQS would.
  const sent: QueueMessage[] = [];
  const ctx = systemCtx(
    { db: database.db, clock: systemClock, events: createEventBus(), queue: { send: async (m) => void sent.push(m) } },
    tenantId,
  );
  const job = await createImportJob(ctx, "tags", tagImport, csv);
  expect(sent).toEqual([{ type: "import.run", tenantId, jobId: job.id }]);
  return sent[0]!;
}

/** A queued job whose stored CSV cannot be parsed: running it throws, on every delivery. */
async function poisonedJob(tenantId: number) {
  const [job] = await database.db
    .insert(importJobs)
    .values({ tenantId, kind: "tags", payload: 'name\n"Billing', total: 1 })
    .returning();
  return { type: "import.run" as const, tenantId, jobId: job!.id };
}

const jobRow = async (jobId: number) =>
  (await database.db.select().from(importJobs).where(eq(importJobs.id, jobId)))[0]!;
const tagNames = async (tenantId: number) =>
  (await database.db.select().from(tags).where(eq(tags.tenantId, tenantId))).map((t) => t.name).sort();

describe("the queue worker", () => {
  it("runs a tag import, and a redelivery of the same message changes nothing", async () => {
    const tenantId = await tenant("worker-run");
    const record = sqsRecord(await queueTagImport(tenantId, "name\nBilling\nRefunds\nbilling\n"));

    expect(await deliver(record)).toEqual({ batchItemFailures: [] });
    expect(await tagNames(tenantId)).toEqual(["Billing", "Refunds"]);
    const done = await jobRow(JSON.parse(record.body).jobId);
    expect(done).toMatchObject({
      status: "completed",
      total: 3,
      processed: 3,
      completed: 2,
      errored: 1,
      payload: null,
    });

    expect(await deliver({ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: "2" } })).toEqual({
      batchItemFailures: [],
    });
    expect(await tagNames(tenantId)).toEqual(["Billing", "Refunds"]);
    expect(await jobRow(done.id)).toEqual(done);
  });

  it("drops malformed bodies without failing them or the rest of the batch", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const tenantId = await tenant("worker-malformed");
    const good = sqsRecord(await queueTagImport(tenantId, "name\nSales\n"));

    const res = await deliver(sqsRecord("{not json"), sqsRecord({ jobId: 1 }), sqsRecord("null"), good);
    expect(res).toEqual({ batchItemFailures: [] });
    expect(await tagNames(tenantId)).toEqual(["Sales"]);
    expect(logged).toHaveBeenCalledTimes(3);
    expect(String(logged.mock.calls[0]![0])).toContain("malformed");
  });

  it("reports only the failing record for redelivery", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const poisoned = sqsRecord(await poisonedJob(await tenant("worker-poisoned")));
    const healthyTenant = await tenant("worker-healthy");
    const healthy = sqsRecord(await queueTagImport(healthyTenant, "name\nReturns\n"));

    expect(await deliver(poisoned, healthy)).toEqual({ batchItemFailures: [{ itemIdentifier: poisoned.messageId }] });
    expect(await tagNames(healthyTenant)).toEqual(["Returns"]);
    const job = await jobRow(JSON.parse(poisoned.body).jobId);
    expect(job.status).toBe("running");
    expect(job.failure).toBeNull();
  });

  it(`marks the job failed on delivery ${MAX_RECEIVE_COUNT} and lets the message go`, async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const message = await poisonedJob(await tenant("worker-dead"));

    const retried = sqsRecord(message, MAX_RECEIVE_COUNT - 1);
    expect(await deliver(retried)).toEqual({ batchItemFailures: [{ itemIdentifier: retried.messageId }] });
    expect((await jobRow(message.jobId)).status).toBe("running");

    expect(await deliver(sqsRecord(message, MAX_RECEIVE_COUNT))).toEqual({ batchItemFailures: [] });
    const job = await jobRow(message.jobId);
    expect(job).toMatchObject({ status: "failed", payload: null });
    expect(job.failure).toMatch(/not valid CSV/);
    expect(job.finishedAt).toBeInstanceOf(Date);
  });
});
