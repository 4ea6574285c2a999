import { InputError } from "../errors/index.ts";
import { sqlStateOf } from "./sql-state.ts";

/** True when `err` (from any of the three drivers, possibly wrapped by drizzle) is a unique violation. */
export function isUniqueViolation(err: unknown): boolean {
  return sqlStateOf(err) === "23505";
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
