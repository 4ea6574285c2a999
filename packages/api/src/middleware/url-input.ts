import { unstorableText } from "@helperiq/core/db/storable";
import { InputError } from "@helperiq/core/errors/index";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { assertStorableInput } from "../validate.ts";

/**
 * The URL gets the rule request bodies get in `validate()`: no NUL, no lone surrogate (validate.ts,
 * core/db/storable.ts). Applied app-wide because some handlers read a query parameter or path segment
 * directly (signed media URLs, the widget's inbox_id, OIDC's state); a refusal names the parameter.
 */
export const storableUrl = createMiddleware<AppEnv>((c, next) => {
  const query = Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
  assertStorableInput(query);
  for (const segment of c.req.path.split("/")) {
    const problem = unstorableText(decodedSegment(segment));
    if (problem) throw new InputError(`path: ${problem}`);
  }
  return next();
});

/** A path segment as route parameters see it: percent-decoded, or as sent when its escapes are malformed. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
