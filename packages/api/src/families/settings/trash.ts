import { getTrashSettings, RETENTION_DAYS, TRASH_SETTING_NAMES, updateTrashSettings, type TrashSettings } from "@helperiq/core/setting/trash";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok } from "../../middleware/envelope.ts";
import { validate } from "../../validate.ts";

type Name = (typeof TRASH_SETTING_NAMES)[number];
const PREFIX = "trash.";
const days = z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max);

/**
 * LibreDesk's keys (`trash.auto_delete_days`) or the bare ones (`auto_delete_days`), each optional; any other
 * key is a 400 naming it, and so is one key given both ways with different values.
 */
const trashUpdate = z
  .object(Object.fromEntries(TRASH_SETTING_NAMES.flatMap((n) => [[n, days.optional()], [`${PREFIX}${n}`, days.optional()]])) as Record<
    Name | `trash.${Name}`,
    z.ZodOptional<typeof days>
  >)
  .strict()
  .superRefine((body, ctx) => {
    for (const n of TRASH_SETTING_NAMES) {
      const bare = body[n];
      const prefixed = body[`${PREFIX}${n}`];
      if (bare !== undefined && prefixed !== undefined && bare !== prefixed) {
        ctx.addIssue({ code: "custom", path: [`${PREFIX}${n}`], message: `differs from ${n}` });
      }
    }
  })
  .transform((body) => {
    const patch: Partial<TrashSettings> = {};
    for (const n of TRASH_SETTING_NAMES) {
      const value = body[`${PREFIX}${n}`] ?? body[n];
      if (value !== undefined) patch[n] = value;
    }
    return patch;
  });

/** What LibreDesk's settings page reads: the `trash.`-prefixed keys. */
const answer = (s: TrashSettings) => Object.fromEntries(TRASH_SETTING_NAMES.map((n) => [`${PREFIX}${n}`, s[n]]));

/**
 * `GET/PUT /api/v1/settings/trash` (LibreDesk's trash retention, in days, 0 = off): PUT is partial; both
 * answer the full settings. The hourly retention job applies them (conversation/retention.ts).
 */
export const trashSettingsRoutes = new Hono<AppEnv>()
  .get("/api/v1/settings/trash", auth("general_settings:manage"), async (c) =>
    ok(c, answer(await getTrashSettings(c.get("deps").database.db, c.get("tenant").id))),
  )
  .put("/api/v1/settings/trash", auth("general_settings:manage"), validate("json", trashUpdate), async (c) =>
    ok(c, answer(await updateTrashSettings(c.get("deps").database.db, c.get("tenant").id, c.req.valid("json")))),
  );
