import { InputError } from "../errors/index.ts";

/** True when `err` (from any of the three drivers, possibly wrapped by drizzle) is a unique violation. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

/** Runs a write whose only expected failure is a duplicate name, turning that into a clear 400. */
export async function withUniqueName<T>(what: string, name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new InputError(`name: a ${what} named "${name ?? ""}" already exists`);
    throw err;
  }
}
