import { handleDeadMessage, handleQueueMessage, type JobDeps } from "@helperiq/core/job/index";
import { createConsoleMailer } from "@helperiq/adapters/mail/console";
import { createSmtpMailer } from "@helperiq/adapters/mail/smtp";
import { createImapMailbox } from "@helperiq/adapters/mail/imap-mailbox";
import { createInboxTransport } from "@helperiq/adapters/mail/inbox-transport";
import { createConfiguredPush } from "@helperiq/adapters/push/configured";
import { createKnowledgeReader } from "@helperiq/adapters/knowledge/index";
import { systemClock, type Mailer, type Push, type QueueMessage } from "@helperiq/core/port/index";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { parseKeyring, type Keyring } from "@helperiq/core/crypto/secret-box";
import { describeError } from "@helperiq/core/errors/describe";
import { cloudAi, cloudBlobs, cloudOutbound, cloudQueue } from "../cloud-ports.ts";
import { cloudEvents } from "../ws/realtime.ts";
import { sharedDatabase } from "../database.ts";
import { MAX_RECEIVE_COUNT } from "../redrive.ts";

export type QueueWorker = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * The jobs-queue subscriber (infra/queue.ts, partial batch responses on). Records run concurrently; only
 * the ones that should be delivered again are reported in `batchItemFailures`. On its last delivery a
 * failing message is handed to the dead-message handler and then dropped, so the failure shows on the job.
 */
export function createQueueWorker(getDeps: () => JobDeps): QueueWorker {
  return async (event) => {
    const deps = getDeps();
    const done = await Promise.all(event.Records.map((record) => run(deps, record)));
    return {
      batchItemFailures: event.Records.filter((_, i) => !done[i]).map((record) => ({
        itemIdentifier: record.messageId,
      })),
    };
  };
}

/** Per container, so SMTP connection pools outlive one invocation. */
const inboxTransport = createInboxTransport({ guard: cloudOutbound(process.env) });

export const handler = createQueueWorker(() => ({
  db: sharedDatabase().db,
  clock: systemClock,
  mailer: cloudMailer(process.env),
  push: cloudPush(process.env),
  secrets: cloudSecrets(process.env),
  blobs: cloudBlobs(process.env),
  // Pushed to the WebSocket clients through the API Gateway Management API (infra/realtime.ts).
  events: cloudEvents(sharedDatabase()),
  queue: cloudQueue(process.env),
  mailbox: createImapMailbox({ guard: cloudOutbound(process.env) }),
  channelMailer: inboxTransport,
  knowledge: createKnowledgeReader({ guard: cloudOutbound(process.env) }),
  ai: cloudAi(process.env),
}));

let secrets: Keyring | undefined;

function cloudSecrets(env: NodeJS.ProcessEnv): Keyring {
  if (!env.SECRET_KEYS) throw new Error("SECRET_KEYS is not set (see infra/secrets.ts)");
  secrets ??= parseKeyring(env.SECRET_KEYS);
  return secrets;
}

let mailer: Mailer | undefined;

/** One pooled SMTP transport per container. Without SMTP_URL, system mail only reaches CloudWatch Logs. */
function cloudMailer(env: NodeJS.ProcessEnv): Mailer {
  mailer ??= env.SMTP_URL
    ? createSmtpMailer({ url: env.SMTP_URL, from: env.MAIL_FROM || "HelperIQ <no-reply@localhost>" })
    : createConsoleMailer();
  return mailer;
}

let push: Push | undefined;

/** One per container, so FCM's access token is reused across invocations. Without FCM_SERVICE_ACCOUNT, pushes are only logged. */
function cloudPush(env: NodeJS.ProcessEnv): Push {
  push ??= createConfiguredPush({ serviceAccount: env.FCM_SERVICE_ACCOUNT, endpoint: env.FCM_ENDPOINT });
  return push;
}

/** Runs one record; false asks SQS to deliver it again. */
async function run(deps: JobDeps, record: SQSRecord): Promise<boolean> {
  const message = parse(record.body);
  if (!message) {
    // Redelivery cannot fix a body; retrying it would only end in the dead-letter queue.
    // Its length only: a body may carry mail with a set-password link.
    console.error(`[queue] dropping malformed message ${record.messageId} (${record.body.length} characters)`);
    return true;
  }
  try {
    await handleQueueMessage(deps, message);
    return true;
  } catch (err) {
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    console.error(
      `[queue] ${message.type} ${record.messageId} failed (attempt ${attempt}/${MAX_RECEIVE_COUNT}): ${describeError(err, { stack: true })}`,
    );
    if (attempt < MAX_RECEIVE_COUNT) return false;
    try {
      await handleDeadMessage(deps, message, err);
      return true;
    } catch (deadErr) {
      // Reported as failed past the redrive limit: SQS moves it to the dead-letter queue.
      console.error(
        `[queue] dead-message handler failed for ${record.messageId}: ${describeError(deadErr, { stack: true })}`,
      );
      return false;
    }
  }
}

function parse(body: string): QueueMessage | undefined {
  try {
    const value: unknown = JSON.parse(body);
    const ok = typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
    return ok ? (value as QueueMessage) : undefined;
  } catch {
    return undefined;
  }
}
