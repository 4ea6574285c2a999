import { assertStorableInput, describeIssue } from "@helperiq/api/validate";
import { InputError } from "@helperiq/core/errors/index";
import type { z } from "zod";

/**
 * Checks the CLI's input with the platform API's own schema (core/platform/input.ts), refusing it with the
 * same words: `InputError` naming the field as the API's body names it (`admin.email`, `limits.agents`).
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  assertStorableInput(value);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(describeIssue(parsed.error.issues[0]!));
  return parsed.data;
}

/** `--limit agents=5 --limit inboxes=2` → `{ agents: 5, inboxes: 2 }`; a value that is no number stays text (the schema refuses it). */
export function limitsOf(pairs: string[] | undefined): Record<string, unknown> | undefined {
  if (!pairs?.length) return undefined;
  const limits: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf("=");
    if (i <= 0) throw new InputError(`limits: "${pair}" is not name=number (like agents=5)`);
    const raw = pair.slice(i + 1).trim();
    limits[pair.slice(0, i).trim()] = raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return limits;
}
