import { MAX_RECEIVE_COUNT } from "../functions/redrive";
import {
  databaseEnvironment,
  mailEnvironment,
  outboundEnvironment,
  pushEnvironment,
  LAMBDA_ESBUILD,
  NODE_RUNTIME,
} from "./lambda";
import { secretKeys } from "./secrets";
import { media } from "./storage";
import { realtimeEnvironment, realtimeLinks } from "./realtime";

/**
 * Background jobs (packages/core/src/job): HTTP families publish after their transaction commits, the
 * worker runs them. On a message's last delivery the worker gives up itself and marks the job failed;
 * the dead-letter queue only catches what even that could not record.
 */
export const deadJobs = new sst.aws.Queue("JobsDead", {
  // A standard queue's message keeps its first enqueue time in the DLQ, so it needs the longer retention.
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
});

export const jobs = new sst.aws.Queue("Jobs", {
  dlq: { queue: deadJobs.arn, retry: MAX_RECEIVE_COUNT },
  // At least the worker's timeout (Lambda refuses less), or a message could be delivered again mid-run.
  visibilityTimeout: "6 minutes",
});

jobs.subscribe(
  {
    handler: "functions/queue/worker.handler",
    runtime: NODE_RUNTIME,
    timeout: "5 minutes",
    // The bucket: attachments of imported mail are stored, and those of outgoing mail read, there.
    // SECRET_KEYS: jobs unseal IMAP/SMTP passwords and AI keys.
    environment: {
      ...databaseEnvironment(),
      ...mailEnvironment(),
      ...pushEnvironment(),
      ...outboundEnvironment(),
      SECRET_KEYS: secretKeys.value,
      MEDIA_BUCKET: media.name,
      ...realtimeEnvironment(),
    },
    link: [media, ...realtimeLinks],
    nodejs: { esbuild: LAMBDA_ESBUILD },
  },
  { batch: { size: 10, partialResponses: true } },
);
