import { databaseEnvironment, LAMBDA_ESBUILD, NODE_RUNTIME } from "./lambda";
import { jobs } from "./queue";
import { media } from "./storage";

// Scheduled jobs. Later issues add theirs here with their handlers: IMAP polling, waking snoozed
// conversations, hourly RAG re-sync and the PCI safety net (functions/cron/*.ts).

new sst.aws.CronV2("CleanupSessions", {
  schedule: "rate(1 day)",
  function: {
    handler: "functions/cron/cleanup-sessions.handler",
    runtime: NODE_RUNTIME,
    environment: databaseEnvironment(),
  },
});

// Uploads no message took within packages/core/src/media/upload.ts ORPHAN_UPLOAD_TTL_HOURS: rows and bytes.
new sst.aws.CronV2("CleanupMedia", {
  schedule: "rate(1 hour)",
  function: {
    handler: "functions/cron/cleanup-media.handler",
    runtime: NODE_RUNTIME,
    timeout: "5 minutes",
    environment: { ...databaseEnvironment(), MEDIA_BUCKET: media.name },
    link: [media],
    nodejs: { esbuild: LAMBDA_ESBUILD },
  },
});

new sst.aws.CronV2("WakeSnoozed", {
  schedule: "rate(1 minute)",
  function: {
    handler: "functions/cron/wake-snoozed.handler",
    runtime: NODE_RUNTIME,
    environment: databaseEnvironment(),
  },
});

// The PCI safety net: redacts card data still flagged after each workspace's auto_redact_days.
new sst.aws.CronV2("AutoRedact", {
  schedule: "rate(1 hour)",
  function: {
    handler: "functions/cron/auto-redact.handler",
    runtime: NODE_RUNTIME,
    timeout: "5 minutes",
    environment: databaseEnvironment(),
  },
});

// Each workspace's trash retention (packages/core/src/conversation/retention.ts): deletes conversations
// trashed longer than its auto_delete_days (their files then go with CleanupMedia) and moves long-Resolved
// and long-Spam ones to the trash.
new sst.aws.CronV2("TrashRetention", {
  schedule: "rate(1 hour)",
  function: {
    handler: "functions/cron/trash-retention.handler",
    runtime: NODE_RUNTIME,
    timeout: "5 minutes",
    environment: databaseEnvironment(),
  },
});

// Enqueues inbox.poll for each due email inbox; the queue worker imports the mail.
new sst.aws.CronV2("PollInboxes", {
  schedule: "rate(1 minute)",
  function: {
    handler: "functions/cron/poll-inboxes.handler",
    runtime: NODE_RUNTIME,
    environment: { ...databaseEnvironment(), QUEUE_URL: jobs.url },
    link: [jobs],
  },
});

// Hourly re-sync of every enabled knowledge source: enqueues rag.sync; the queue worker re-embeds what changed.
new sst.aws.CronV2("RagResync", {
  schedule: "rate(1 hour)",
  function: {
    handler: "functions/cron/rag-resync.handler",
    runtime: NODE_RUNTIME,
    environment: { ...databaseEnvironment(), QUEUE_URL: jobs.url },
    link: [jobs],
  },
});
