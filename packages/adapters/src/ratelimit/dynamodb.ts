import type { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { RateCounter } from "@helperiq/core/port/index";

export type DynamoRateCounterOptions = {
  /** The table of infra/ratelimit.ts: string partition key `pk`, TTL attribute `expires_at`. */
  tableName: string;
  /** Defaults to a client configured from the Lambda environment (region, role credentials). */
  client?: DynamoDBClient;
};

/** How long after its window an item may linger before DynamoDB's TTL removes it. */
const EXPIRY_MARGIN_SECONDS = 60;

/**
 * The cloud rate counters: one item per key and window, bumped with an atomic `ADD`, so concurrent
 * Lambdas count exactly. The window start is part of the item key, so an item is never read after its
 * window: TTL deletion (lazy in DynamoDB, absent in dynalite) only reclaims space. The SDK is loaded on
 * the first hit.
 */
export function createDynamoRateCounter(options: DynamoRateCounterOptions): RateCounter {
  let dynamo: Promise<{ client: DynamoDBClient; UpdateItem: typeof UpdateItemCommand }> | undefined;
  return {
    async hit(key, windowSeconds, now) {
      dynamo ??= import("@aws-sdk/client-dynamodb").then((sdk) => ({
        client: options.client ?? new sdk.DynamoDBClient({}),
        UpdateItem: sdk.UpdateItemCommand,
      }));
      const { client, UpdateItem } = await dynamo;
      const start = Math.floor(now.getTime() / 1000 / windowSeconds) * windowSeconds;
      const end = start + windowSeconds;
      const out = await client.send(
        new UpdateItem({
          TableName: options.tableName,
          Key: { pk: { S: `${key}@${start}` } },
          UpdateExpression: "ADD #count :one SET expires_at = if_not_exists(expires_at, :expires)",
          ExpressionAttributeNames: { "#count": "count" },
          ExpressionAttributeValues: { ":one": { N: "1" }, ":expires": { N: String(end + EXPIRY_MARGIN_SECONDS) } },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      const count = Number(out.Attributes?.count?.N);
      if (!Number.isInteger(count)) throw new Error(`rate counter ${key}: DynamoDB returned no count`);
      return { count, resetAt: new Date(end * 1000) };
    },
  };
}
