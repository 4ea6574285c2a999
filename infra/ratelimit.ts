/**
 * Per-IP rate counters: one item per bucket key and window, bumped with an atomic ADD
 * (packages/adapters/src/ratelimit/dynamodb.ts). The window start is part of `pk`, so an item is never read
 * after its window; the TTL on `expires_at` only reclaims the space, whenever DynamoDB gets to it.
 */
export const rateCounters = new sst.aws.Dynamo("RateCounters", {
  fields: { pk: "string" },
  primaryIndex: { hashKey: "pk" },
  ttl: "expires_at",
});
