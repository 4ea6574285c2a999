import { z } from "zod";

/**
 * The building blocks of response schemas (the views each route declares with `responds()`). Response
 * schemas describe what the API sends, so they carry no defaults or transforms, and every object lists
 * every field: the response check refuses a field a schema does not describe (response-check.ts).
 */

/** A row id, or any other whole number (counts, sort orders, sizes). */
export const int = z.int();

/** A timestamp as the views send it: ISO 8601 in UTC (`iso()` of core/db/iso.ts). */
export const timestamp = z.iso.datetime({ offset: false, precision: 3 });

/** The answer of a change that has nothing more to say: `{"data": true}`. */
export const done = z.literal(true);

/** Configuration kept as the client sent it (a filter, a provider's own config): any JSON object. */
export const jsonObject = z.record(z.string(), z.unknown());
