import { sqlStateOf } from "../db/sql-state.ts";

/**
 * Error text that is safe to log or to store where a user sees it. A database error names its class,
 * SQLSTATE and the constraint/table/column it hit, never its message: drizzle's message lists the
 * statement's parameters (password hashes, tokens, message bodies) and PostgreSQL's own messages and
 * details quote the offending values. Other errors keep their message with secrets masked.
 */
export function errorReason(err: unknown): string {
  const db = databaseFields(err);
  if (db) {
    const where = [
      db.constraint && `constraint ${db.constraint}`,
      db.table && `table ${db.table}`,
      db.column && `column ${db.column}`,
    ];
    return `database error SQLSTATE ${db.code}${where.some(Boolean) ? ` (${where.filter(Boolean).join(", ")})` : ""}`;
  }
  if (err instanceof Error) return maskSecrets(err.message);
  return maskSecrets(typeof err === "string" ? err : String(err));
}

/**
 * One log line for an unexpected error: the chain of error classes (`DrizzleQueryError ← DatabaseError`),
 * `errorReason`, and with `stack` the call frames without the message line.
 */
export function describeError(err: unknown, opts: { stack?: boolean } = {}): string {
  const line = `${errorClasses(err)}: ${errorReason(err)}`;
  if (!opts.stack || !(err instanceof Error) || !err.stack) return line;
  const frames = err.stack.split("\n").filter((l) => /^\s+at /.test(l));
  return frames.length ? `${line}\n${frames.join("\n")}` : line;
}

function errorClasses(err: unknown): string {
  const names: string[] = [];
  for (let e: unknown = err; e && typeof e === "object" && names.length < 5; e = (e as { cause?: unknown }).cause) {
    names.push(e instanceof Error ? e.constructor.name || e.name : "object");
  }
  return names.length ? names.join(" ← ") : typeof err;
}

type DatabaseFields = { code: string; constraint?: string; table?: string; column?: string };

/** SQLSTATE and the schema names a driver attaches to its error (pg, PGlite and Neon use these names). */
function databaseFields(err: unknown): DatabaseFields | null {
  const code = sqlStateOf(err);
  if (!code) return null;
  const fields: DatabaseFields = { code };
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { constraint, table, column } = e as Record<string, unknown>;
    if (typeof constraint === "string" && constraint) fields.constraint ??= identifier(constraint);
    if (typeof table === "string" && table) fields.table ??= identifier(table);
    if (typeof column === "string" && column) fields.column ??= identifier(column);
  }
  return fields;
}

/** Schema names only: anything else in those fields is dropped rather than logged. */
const identifier = (name: string) => (/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(name) ? name : "?");

/**
 * Masks what must never reach a log from a message we do not control: password hashes, credentials in
 * URLs, bearer/basic credentials, long random strings (our tokens are 32 base32 characters, token
 * hashes 64 hex) and a parameter list some wrapper copied into its message. UUIDs stay: they are ids.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/\bparams: [\s\S]*$/, "params: [not logged]")
    .replace(/\$argon2[a-z]*\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+/g, "[hash]")
    .replace(/\$argon2[a-z]*\$[^\s"']*/g, "[hash]")
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1[credentials]@")
    .replace(/\b(Bearer|Basic)\s+[^\s"',]+/gi, "$1 [credentials]")
    .replace(/[A-Za-z0-9_-]{32,}/g, (run) =>
      /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(run) || !/[0-9]/.test(run) || !/[A-Za-z]/.test(run)
        ? run
        : "[secret]",
    );
}
