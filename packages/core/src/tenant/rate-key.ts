/**
 * Rate-counter keys (port/rate-counter.ts) have one shape, `<kind>:<name>:<tenant>:<rest…>`, the workspace
 * always third (`-` before a workspace is known), so a purged workspace's counters are found by key
 * (rateKeyOfTenant) whatever limit made them. Rest segments may hold colons themselves (IPv6 addresses).
 */
export function rateKey(
  kind: string,
  name: string,
  tenantId: number | undefined,
  ...rest: Array<string | number>
): string {
  return [kind, name, tenantId ?? "-", ...rest].join(":");
}

/** Whether `key` (made by rateKey) counts for workspace `tenantId`. */
export function rateKeyOfTenant(tenantId: number): (key: string) => boolean {
  const wanted = String(tenantId);
  return (key) => key.split(":")[2] === wanted;
}
