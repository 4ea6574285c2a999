import { AUTO_REDACT_DAYS, getPciSettings, updatePciSettings } from "@helperiq/core/pci/settings";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { pciSettings } from "../responses/pci.ts";
import { validate } from "../validate.ts";

const pciUpdate = z
  .object({
    enabled: z.boolean(),
    auto_redact_days: z.number().int().min(AUTO_REDACT_DAYS.min).max(AUTO_REDACT_DAYS.max),
    detect: z.object({ card_numbers: z.boolean(), cvv: z.boolean(), expiry: z.boolean() }).partial().strict(),
  })
  .partial()
  .strict();

/**
 * `GET/PUT /api/v1/settings/pci`: whether incoming messages are scanned for card
 * data, what is looked for, and after how many days flagged messages are redacted automatically. PUT is
 * a partial update (`detect` key by key); both answer the full settings.
 */
export const pciFamily = new Hono<AppEnv>()
  .get("/api/v1/settings/pci", auth("general_settings:manage"), responds(pciSettings), async (c) =>
    ok(c, await getPciSettings(c.get("deps").database.db, c.get("tenant").id)),
  )
  .put(
    "/api/v1/settings/pci",
    auth("general_settings:manage"),
    validate("json", pciUpdate),
    responds(pciSettings),
    async (c) => ok(c, await updatePciSettings(c.get("deps").database.db, c.get("tenant").id, c.req.valid("json"))),
  );
