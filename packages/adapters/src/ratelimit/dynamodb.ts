import type {
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
  UpdateItemCommand,
  AttributeValue,
  WriteRequest,
} from "@aws-sdk/client-dynamodb";
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
  let dynamo:
    | Promise<{
        client: DynamoDBClient;
        UpdateItem: typeof UpdateItemCommand;
        Scan: typeof ScanCommand;
        BatchWrite: typeof BatchWriteItemCommand;
      }>
    | undefined;
  const sdk = () =>
    (dynamo ??= import("@aws-sdk/client-dynamodb").then((sdk) => ({
      client: options.client ?? new sdk.DynamoDBClient({}),
      UpdateItem: sdk.UpdateItemCommand,
      Scan: sdk.ScanCommand,
      BatchWrite: sdk.BatchWriteItemCommand,
    })));
  return {
    async hit(key, windowSeconds, now) {
      const { client, UpdateItem } = await sdk();
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
    /**
     * A scan of the table: it only holds current windows (plus what TTL has not reclaimed yet), and this runs
     * once per purged workspace, so reading it whole is cheaper than an index every hit would pay for.
     */
    async forget(match) {
      const { client, Scan, BatchWrite } = await sdk();
      const doomed: string[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new Scan({
            TableName: options.tableName,
            ProjectionExpression: "pk",
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          const pk = item.pk?.S;
          if (pk && match(pk.slice(0, pk.lastIndexOf("@")))) doomed.push(pk);
        }
        start = page.LastEvaluatedKey;
      } while (start);
      for (let i = 0; i < doomed.length; i += 25) {
        let requests: Record<string, WriteRequest[]> | undefined = {
          [options.tableName]: doomed.slice(i, i + 25).map((pk) => ({ DeleteRequest: { Key: { pk: { S: pk } } } })),
        };
        // BatchWriteItem may hand some requests back unprocessed under load: they are sent again.
        while (requests && Object.keys(requests).length) {
          const out: { UnprocessedItems?: Record<string, WriteRequest[]> } = await client.send(
            new BatchWrite({ RequestItems: requests }),
          );
          requests = out.UnprocessedItems;
        }
      }
      return doomed.length;
    },
  };
}
