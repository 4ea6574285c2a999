/**
 * Per-IP rate counters (spec §3): one item per bucket key and window, bumped with an atomic ADD.
 * DynamoDB deletes expired items lazily, so readers must also compare `expires_at` with now.
 */
export const rateCounters = new sst.aws.Dynamo("RateCounters", {
  fields: { pk: "string" },
  primaryIndex: { hashKey: "pk" },
  ttl: "expires_at",
});
