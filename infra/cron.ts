import { databaseEnvironment, NODE_RUNTIME } from "./lambda";

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

new sst.aws.CronV2("WakeSnoozed", {
  schedule: "rate(1 minute)",
  function: {
    handler: "functions/cron/wake-snoozed.handler",
    runtime: NODE_RUNTIME,
    environment: databaseEnvironment(),
  },
});
