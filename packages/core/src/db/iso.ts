/** Timestamps on the wire are ISO-8601 UTC strings (spec §1). */
export function iso(value: Date | string | null | undefined): string | null {
  if (value == null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
