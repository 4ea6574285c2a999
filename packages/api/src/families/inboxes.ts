import {
  CHANNELS,
  createInbox,
  deleteInbox,
  getInbox,
  INBOX_NAME_MAX,
  listInboxes,
  toggleInbox,
  updateInbox,
} from "@helperiq/core/inbox/index";
import { MAX_SERVERS } from "@helperiq/core/inbox/config-schema";
import { testInboxServerForm, testInboxServers, testUnsavedInbox, type ProbeKind } from "@helperiq/core/inbox/probe";
import { replySignature } from "@helperiq/core/mail-out/reply-signature";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds, type Responding } from "../middleware/envelope.ts";
import { inbox, inboxFormTest, inboxSignature, serverTest } from "../responses/inbox.ts";
import { done } from "../responses/scalars.ts";
import { idParam, validate } from "../validate.ts";

// `config` is checked by the domain against the inbox's channel (a PUT does not repeat the channel), which
// names the field: `config.imap[0].port: …`.
const config = z
  .record(z.string(), z.unknown())
  .describe(
    "email: {auth_type, imap[] {host, port, tls, username, password, mailbox, read_interval, tls_skip_verify}, smtp[] {host, port, tls, username, password, max_conns, tls_skip_verify}, reply_to, aliases[], signature, auto_assign_on_reply, enable_plus_addressing, skip_pci_scan}; " +
      "livechat: {allowed_domains[], brand_name, logo_url, greeting, intro, launcher {position, color, icon_url, spacing_side, spacing_bottom}, prechat_form {enabled, title, fields[]}, file_upload, site_secret}. " +
      "Secrets are write-only: a masked or omitted one keeps the stored value.",
  );
const inboxFields = {
  name: z.string().trim().min(1, "required").max(INBOX_NAME_MAX),
  channel: z.enum(CHANNELS),
  from: z.string().max(320).optional(),
  enabled: z.boolean().optional(),
  csat_enabled: z.boolean().optional(),
  config: config.optional(),
};
const inboxBody = z.object(inboxFields);
/** The view as GET returned it may be sent back: unknown keys are dropped, masked secrets kept. */
const inboxUpdate = z.object(inboxFields).partial();
/**
 * LibreDesk's test of one section of the inbox form: `{imap, auth_type}` or `{smtp, auth_type, test_email}`,
 * with `inbox_id` when the form edits a saved inbox (core/inbox/probe.ts).
 */
const serverFormTest = z.strictObject({
  /** Never sent: a body without `channel` is this form (the discriminator of `formTest`). */
  channel: z.undefined().optional(),
  inbox_id: z.number().int().positive().optional(),
  auth_type: z.enum(["password"], "only password inboxes can be tested").optional(),
  imap: z.record(z.string(), z.unknown()).optional(),
  smtp: z.record(z.string(), z.unknown()).optional(),
  test_email: z.union([z.literal(""), z.email("must be an email address")]).optional(),
});
/** The whole unsaved inbox (HelperIQ's form, the create body, with `channel`), or one section of LibreDesk's form. */
const formTest = z.discriminatedUnion("channel", [inboxBody.partial({ name: true }), serverFormTest]);
/** Optional: a `config` as a PUT would send it, to test servers before saving them; `server`, one of them alone. */
const probeBody = z.object({
  config: config.optional(),
  server: z
    .number()
    .int()
    .min(0)
    .max(MAX_SERVERS - 1)
    .optional()
    .describe("Test only the server at this index of the list; without it, every server in turn."),
});

function probeRoute(kind: ProbeKind) {
  return async (
    c: Context<
      AppEnv,
      string,
      { out: { param: { id: number }; json: z.output<typeof probeBody> } } & Responding<z.output<typeof serverTest>>
    >,
  ) => {
    const { secrets, mailProbe } = c.get("deps");
    const { id } = c.req.valid("param");
    const { config: unsaved, server } = c.req.valid("json");
    return ok(c, await testInboxServers(ctxOf(c), secrets, mailProbe, id, kind, unsaved, server));
  };
}

/**
 * Inboxes (channels): email and live-chat channels, all behind inboxes:manage.
 * Passwords and the site secret are sealed at rest and masked in every response.
 */
export const inboxesFamily = new Hono<AppEnv>()
  .get("/api/v1/inboxes", auth("inboxes:manage"), responds(z.array(inbox)), async (c) =>
    ok(c, await listInboxes(ctxOf(c), c.get("deps").secrets)),
  )
  .post("/api/v1/inboxes", auth("inboxes:manage"), validate("json", inboxBody), responds(inbox, 201), async (c) =>
    ok(c, await createInbox(ctxOf(c), c.get("deps"), c.req.valid("json")), 201),
  )
  // The inbox form's test before saving, nothing stored (core/inbox/probe.ts).
  .post(
    "/api/v1/inboxes/test",
    auth("inboxes:manage"),
    validate("json", formTest),
    responds(inboxFormTest),
    async (c) => {
      const body = c.req.valid("json");
      const { mailProbe, secrets } = c.get("deps");
      return ok(
        c,
        await (body.channel !== undefined
          ? testUnsavedInbox(mailProbe, body)
          : testInboxServerForm(ctxOf(c), secrets, mailProbe, body)),
      );
    },
  )
  .get("/api/v1/inboxes/:id", auth("inboxes:manage"), validate("param", idParam), responds(inbox), async (c) =>
    ok(c, await getInbox(ctxOf(c), c.get("deps").secrets, c.req.valid("param").id)),
  )
  .put(
    "/api/v1/inboxes/:id",
    auth("inboxes:manage"),
    validate("param", idParam),
    validate("json", inboxUpdate),
    responds(inbox),
    async (c) => ok(c, await updateInbox(ctxOf(c), c.get("deps"), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete("/api/v1/inboxes/:id", auth("inboxes:manage"), validate("param", idParam), responds(done), async (c) => {
    await deleteInbox(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  })
  .put("/api/v1/inboxes/:id/toggle", auth("inboxes:manage"), validate("param", idParam), responds(inbox), async (c) =>
    ok(c, await toggleInbox(ctxOf(c), c.get("deps").secrets, c.req.valid("param").id)),
  )
  // Any agent: the reply box asks for it (LibreDesk fork). A `conversation_uuid` must be one the caller may see.
  .get(
    "/api/v1/inboxes/:id/signature",
    auth(),
    validate("param", idParam),
    // The new-conversation dialog sends `conversation_uuid=` empty: no conversation yet.
    validate(
      "query",
      z.object({
        conversation_uuid: z
          .union([
            z.literal("").transform(() => undefined),
            z.uuid("must be a conversation uuid").transform((u) => u.toLowerCase()),
          ])
          .optional(),
      }),
    ),
    responds(inboxSignature),
    async (c) => ok(c, await replySignature(ctxOf(c), c.req.valid("param").id, c.req.valid("query").conversation_uuid)),
  )
  .post(
    "/api/v1/inboxes/:id/test-imap",
    auth("inboxes:manage"),
    validate("param", idParam),
    validate("json", probeBody),
    responds(serverTest),
    probeRoute("imap"),
  )
  .post(
    "/api/v1/inboxes/:id/test-smtp",
    auth("inboxes:manage"),
    validate("param", idParam),
    validate("json", probeBody),
    responds(serverTest),
    probeRoute("smtp"),
  );
