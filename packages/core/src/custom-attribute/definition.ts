import { InputError } from "../errors/index.ts";
import type { ATTRIBUTE_TYPES } from "./custom-attribute.sql.ts";

export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** The parts of a definition whose rules depend on each other. */
export type AttributeShape = { type: AttributeType; values: string[]; regex: string | null };

/** `values` belong to lists only, `regex` to text only, and a regex must compile and be safe to run. */
export function checkShape(shape: AttributeShape): AttributeShape {
  if (shape.type === "list" && shape.values.length === 0)
    throw new InputError("values: a list attribute needs at least one value");
  if (shape.type !== "list" && shape.values.length > 0)
    throw new InputError("values: only list attributes have values");
  const duplicate = shape.values.find((v, i) => shape.values.indexOf(v) !== i);
  if (duplicate !== undefined) throw new InputError(`values: "${duplicate}" is listed twice`);
  if (shape.regex !== null) {
    if (shape.type !== "text") throw new InputError("regex: only text attributes have a regex");
    try {
      new RegExp(shape.regex);
    } catch {
      throw new InputError("regex: not a valid regular expression");
    }
    if (hasNestedRepetition(shape.regex)) {
      throw new InputError("regex: a repeated group that itself repeats, like (a+)+, can take exponential time");
    }
  }
  return shape;
}

/** An unbounded quantifier starting exactly at `lastIndex`. */
const UNBOUNDED = /[*+]|\{\d+,\}/y;

/**
 * True when an unbounded quantifier applies to a group holding another one (star height > 1), the shape
 * of catastrophic backtracking. Admins of one workspace write these regexes and every workspace shares
 * the server's event loop, so the cautious answer wins over the odd harmless pattern it refuses.
 */
function hasNestedRepetition(pattern: string): boolean {
  const outer: boolean[] = [];
  let repeats = false; // the innermost open group holds an unbounded quantifier
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    let closedGroupRepeats = false;
    if (ch === "\\") i++;
    else if (ch === "[") i = endOfClass(pattern, i);
    else if (ch === "(") {
      outer.push(repeats);
      repeats = false;
      continue;
    } else if (ch === ")") {
      closedGroupRepeats = repeats;
      repeats = (outer.pop() ?? false) || closedGroupRepeats;
    }
    UNBOUNDED.lastIndex = i + 1;
    if (UNBOUNDED.test(pattern)) {
      if (closedGroupRepeats) return true;
      repeats = true;
    }
  }
  return false;
}

function endOfClass(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === "^") j++;
  if (pattern[j] === "]") j++;
  while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
  return j;
}
