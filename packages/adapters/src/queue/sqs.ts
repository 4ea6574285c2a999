import type { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Queue } from "@helperiq/core/port/index";

export type SqsQueueOptions = {
  queueUrl: string;
  /** Defaults to a client configured from the Lambda environment (region, role credentials). */
  client?: SQSClient;
};

/**
 * The cloud queue: each message is one SQS message whose body is the message as JSON; the worker
 * (functions/queue/worker.ts) runs it. The SDK is loaded on the first send, so families that never
 * publish do not pay for it at cold start. A failed send rejects: the caller decides what that means.
 */
export function createSqsQueue(options: SqsQueueOptions): Queue {
  let sqs: Promise<{ client: SQSClient; SendMessage: typeof SendMessageCommand }> | undefined;
  return {
    async send(message) {
      sqs ??= import("@aws-sdk/client-sqs").then((sdk) => ({
        client: options.client ?? new sdk.SQSClient({}),
        SendMessage: sdk.SendMessageCommand,
      }));
      const { client, SendMessage } = await sqs;
      await client.send(new SendMessage({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}
