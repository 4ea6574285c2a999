/** The SQLSTATE of a database error from any of the three drivers, possibly wrapped by drizzle (in `cause`). */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Class 22, "data exception": the database refused a value (out of range, malformed, NUL in text). Input
 * is checked before it gets there; one that slips through is still the caller's input, not a server fault.
 */
export function isDataException(err: unknown): boolean {
  return sqlStateOf(err)?.startsWith("22") ?? false;
}
