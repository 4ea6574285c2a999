/**
 * What PostgreSQL can store as text or jsonb. Two things are not: the NUL character (text and jsonb refuse
 * U+0000) and a lone UTF-16 surrogate (it has no UTF-8 form; drivers fail on it or silently store U+FFFD).
 *
 * Decision: input carrying either is refused with 400 naming the field, never normalised. No keyboard types
 * them; they come from a broken client or a probe, and quietly dropping or replacing characters would store
 * something other than what the client sent without telling it.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null when it can. */
export function unstorableText(text: string): string | null {
  const found = UNSTORABLE.exec(text);
  if (!found) return null;
  return found[0] === "\u0000" ? "must not contain a NUL character" : "must not contain a lone UTF-16 surrogate";
}

/** The range of an int4 column: every id but notifications' (bigserial) and every count or number stored. */
export const INT4_MIN = -(2 ** 31);
export const INT4_MAX = 2 ** 31 - 1;

/** Deepest nesting a request value may have: far beyond any route's schema, well short of recursion limits. */
export const MAX_INPUT_DEPTH = 32;

export type InputProblem = { path: (string | number)[]; message: string };

/**
 * The first problem, in document order, of a parsed request value (JSON body, form, query, path
 * parameters): a string or object key that cannot be stored, or nesting deeper than `maxDepth`. Iterative,
 * so hostile nesting cannot overflow the stack here; refusing it up front keeps it from overflowing
 * JSON.stringify or jsonb further on.
 */
export function findInputProblem(value: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === "string") {
      const problem = unstorableText(v);
      if (problem) return { path, message: problem };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    // An uploaded file's bytes are not text; its name is.
    if (v instanceof Blob) {
      const problem = "name" in v && typeof v.name === "string" ? unstorableText(v.name) : null;
      if (problem) return { path, message: `file name ${problem}` };
      continue;
    }
    if (path.length >= maxDepth) return { path, message: `nested deeper than ${maxDepth} levels` };
    const children: [string | number, unknown][] = Array.isArray(v)
      ? v.map((child, i) => [i, child])
      : Object.entries(v);
    for (const [key] of children) {
      const problem = typeof key === "string" ? unstorableText(key) : null;
      if (problem) return { path, message: `a key ${problem.replace("must not contain", "contains")}` };
    }
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ value: children[i]![1], path: [...path, children[i]![0]] });
  }
  return null;
}
