import { createAiClients } from "@helperiq/adapters/ai/index";
import { createS3BlobStore } from "@helperiq/adapters/blob/s3";
import { createOutboundGuard, type OutboundGuard } from "@helperiq/adapters/net/outbound-guard";
import { createSqsQueue } from "@helperiq/adapters/queue/sqs";
import { createDynamoRateCounter } from "@helperiq/adapters/ratelimit/dynamodb";
import type { AiClients } from "@helperiq/core/port/ai-clients";
import type { BlobStore } from "@helperiq/core/port/blob-store";
import type { Queue, RateCounter } from "@helperiq/core/port/index";

// The cloud's adapters of the core ports, chosen from the function's environment. Kept apart from
// runtime.ts (the HTTP composition), so the queue worker and the crons bundle none of the API.

let blobs: BlobStore | undefined;
let ai: AiClients | undefined;

/** One per container (OpenRouter's model catalogue is cached in it); base URLs only for tests and proxies. */
export function cloudAi(env: NodeJS.ProcessEnv): AiClients {
  ai ??= createAiClients({
    baseUrls: { openai: env.OPENAI_BASE_URL, anthropic: env.ANTHROPIC_BASE_URL, openrouter: env.OPENROUTER_BASE_URL },
    timeoutMs: Number(env.AI_TIMEOUT_MS) || undefined,
  });
  return ai;
}

let outbound: OutboundGuard | undefined;

/** One per container: the outbound-connection guard, with the operator's OUTBOUND_ALLOW_HOSTS exceptions. */
export function cloudOutbound(env: NodeJS.ProcessEnv): OutboundGuard {
  outbound ??= createOutboundGuard({ allow: env.OUTBOUND_ALLOW_HOSTS });
  return outbound;
}

/** One S3 client per container. Families without the bucket linked get a store that says so on use. */
export function cloudBlobs(env: NodeJS.ProcessEnv): BlobStore {
  if (!env.MEDIA_BUCKET) {
    const missing = async () => {
      throw new Error("MEDIA_BUCKET is not set: this function cannot reach media (link the bucket in infra/)");
    };
    return { put: missing, get: missing, delete: missing, list: missing, deleteMany: missing };
  }
  blobs ??= createS3BlobStore({ bucket: env.MEDIA_BUCKET });
  return blobs;
}

/** Only the functions infra/ links to the jobs queue get QUEUE_URL; the others must not publish. */
export function cloudQueue(env: NodeJS.ProcessEnv): Queue {
  const queueUrl = env.QUEUE_URL;
  if (queueUrl) return createSqsQueue({ queueUrl });
  return {
    send: async (message) => {
      throw new Error(`QUEUE_URL is not set: this function cannot publish ${message.type} (link the queue in infra/)`);
    },
  };
}

/**
 * The rate table, for the functions infra/ links it to (RATE_TABLE): the API families count in it, the
 * workspace-jobs cron forgets a purged workspace's counters. Without it, a use says what is missing.
 */
export function cloudRateCounter(env: NodeJS.ProcessEnv): RateCounter {
  if (env.RATE_TABLE) return createDynamoRateCounter({ tableName: env.RATE_TABLE });
  const missing = async (): Promise<never> => {
    throw new Error("RATE_TABLE is not set: this function cannot reach the rate counters (link them in infra/)");
  };
  return { hit: missing, forget: missing };
}
