import { CHANNELS } from "@helperiq/core/inbox/index";
import { z } from "zod";
import { int, jsonObject, timestamp } from "./scalars.ts";

/** An inbox (core/inbox `inboxView`); passwords and the site secret are masked (shown once when generated). */
export const inbox = z
  .object({
    id: int,
    uuid: z.string(),
    name: z.string(),
    channel: z.enum(CHANNELS),
    enabled: z.boolean(),
    from: z.string(),
    csat_enabled: z.boolean(),
    config: jsonObject.describe("The channel's config as the create and update bodies take it, secrets masked."),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Inbox" });

/** A saved inbox's servers answered: how long the logins took. */
export const serverTest = z.object({ ok: z.literal(true), latency_ms: int }).meta({ id: "ServerTest" });

/** LibreDesk's inbox-form test: both sections' outcome and what each server said. */
export const inboxFormTest = z
  .object({
    ok: z.literal(true),
    success: z.literal(true),
    latency_ms: int,
    imap_logs: z.array(z.string()),
    smtp_logs: z.array(z.string()),
  })
  .meta({ id: "InboxFormTest" });

export const inboxSignature = z.object({
  signature: z.string().describe("The caller's signature above the inbox's, placeholders filled."),
});
