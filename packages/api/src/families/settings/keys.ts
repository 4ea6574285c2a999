import { isDeepStrictEqual } from "node:util";
import { z } from "zod";

/**
 * Settings travel under two names: HelperIQ's (`site_name`) and LibreDesk's prefixed one
 * (`app.site_name`, `notification.email.host`), which its UI reads and writes. `names` maps each
 * LibreDesk name to the HelperIQ setting it is.
 */
export type SettingNames<K extends string> = Record<string, K>;

type Patch<S extends Record<string, z.ZodType>> = { [K in keyof S]?: z.output<S[K]> };

/**
 * A partial settings update taking each setting under either name. Any other key is a 400 naming it (a
 * PUT that silently changed nothing would be worse), and so is one setting given both ways with different
 * values. `unavailable` lists LibreDesk settings of features HelperIQ does not have: accepted only empty.
 */
export function settingsUpdate<S extends Record<string, z.ZodType>>(
  shape: S,
  names: SettingNames<keyof S & string>,
  unavailable: Record<string, string> = {},
) {
  const bare = Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.optional()]));
  const aliased = Object.fromEntries(Object.entries(names).map(([alias, key]) => [alias, shape[key]!.optional()]));
  const empty = Object.fromEntries(
    Object.keys(unavailable).map((key) => [key, z.union([z.literal(""), z.null()]).optional()]),
  );
  return z
    .object({ ...bare, ...aliased })
    .catchall(z.unknown())
    .superRefine((body, ctx) => {
      for (const [key, value] of Object.entries(body)) {
        if (Object.hasOwn(empty, key)) {
          if (value !== "" && value !== null && value !== undefined)
            ctx.addIssue({ code: "custom", path: [key], message: unavailable[key]! });
        } else if (!Object.hasOwn(bare, key) && !Object.hasOwn(aliased, key)) {
          ctx.addIssue({ code: "custom", path: [key], message: "unknown setting" });
        }
      }
      for (const [alias, key] of Object.entries(names)) {
        if (body[alias] !== undefined && body[key] !== undefined && !isDeepStrictEqual(body[alias], body[key])) {
          ctx.addIssue({ code: "custom", path: [alias], message: `differs from ${key}` });
        }
      }
    })
    .transform((body) => {
      const patch: Record<string, unknown> = {};
      for (const key of Object.keys(shape)) if (body[key] !== undefined) patch[key] = body[key];
      for (const [alias, key] of Object.entries(names)) if (body[alias] !== undefined) patch[key] = body[alias];
      return patch as Patch<S>;
    });
}

/** `T` with each of `names` also giving the setting it names. */
type WithNames<T, N extends SettingNames<keyof T & string>> = T & { -readonly [A in keyof N]: T[N[A]] };

/** The settings under both names, as GET answers them; `extra` adds LibreDesk-only keys (unavailable ones, empty). */
export function withLibreDeskNames<
  T extends Record<string, unknown>,
  N extends SettingNames<keyof T & string>,
  X extends Record<string, unknown> = Record<never, never>,
>(settings: T, names: N, extra?: X): WithNames<T, N> & X {
  const aliased = Object.fromEntries(Object.entries(names).map(([alias, key]) => [alias, settings[key]]));
  return { ...settings, ...aliased, ...extra } as WithNames<T, N> & X;
}

/** The response schema of `withLibreDeskNames(settings, names, extra)`, from the schema of `settings`. */
export function withLibreDeskNamesSchema<
  S extends z.ZodRawShape,
  N extends SettingNames<keyof S & string>,
  X extends z.ZodRawShape = Record<never, never>,
>(settings: z.ZodObject<S>, names: N, extra?: X) {
  const aliased = Object.fromEntries(Object.entries(names).map(([alias, key]) => [alias, settings.shape[key]!]));
  return z.object({ ...settings.shape, ...aliased, ...extra }) as unknown as z.ZodObject<WithNames<S, N> & X>;
}
