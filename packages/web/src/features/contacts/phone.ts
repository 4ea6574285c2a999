/**
 * A contact's phone as the API stores it (one string) and as the edit form shows it: an optional calling
 * code ("+61") and the number. The form joins them with a space, the way LibreDesk's form composes its own.
 */
export function splitPhone(phone: string | null): { code: string; number: string } {
  const m = /^(\+\d{1,4})\s+(.+)$/.exec(phone ?? "");
  return m ? { code: m[1]!, number: m[2]! } : { code: "", number: phone ?? "" };
}

export function joinPhone(code: string, number: string): string | null {
  const n = number.trim();
  if (!n) return null;
  const c = code.trim();
  return c ? `${c.startsWith("+") ? c : `+${c}`} ${n}` : n;
}
