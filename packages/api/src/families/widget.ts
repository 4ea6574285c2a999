import { InputError } from "@helperiq/core/errors/index";
import { describeBytes } from "@helperiq/core/media/limits";
import { getGeneralSettings } from "@helperiq/core/setting/general";
import {
  conversationDetail,
  getWidgetConversation,
  listWidgetConversations,
  markWidgetSeen,
  sendWidgetMessage,
  startChat,
  widgetUser,
} from "@helperiq/core/widget/conversations";
import { exchangeSiteJwt } from "@helperiq/core/widget/exchange";
import { launcherSettings, publicSettings } from "@helperiq/core/widget/inbox";
import { MAX_PAGE_TITLE_LENGTH, MAX_PAGE_URL_LENGTH } from "@helperiq/core/widget/page-visits";
import { contactActor, verifyWidgetSession } from "@helperiq/core/widget/session";
import { sendWidgetFile } from "@helperiq/core/widget/upload";
import { widgetMessageByUuid } from "@helperiq/core/widget/view";
import { Hono } from "hono";
import { z } from "zod";
import { requestScope } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { mediaSettings, mediaUrlMaker } from "../media-url.ts";
import { clientIp } from "../middleware/client-ip.ts";
import { ok, responds, respondsRaw } from "../middleware/envelope.ts";
import { done } from "../responses/scalars.ts";
import {
  widgetChatStarted,
  widgetConversation,
  widgetConversationDetail,
  widgetLauncher,
  widgetMessage,
  widgetSession,
  widgetSessionUser,
  widgetSettings,
} from "../responses/widget.ts";
import { uploadLimit } from "../upload.ts";
import { assertStorableInput, validate } from "../validate.ts";
import {
  accessOf,
  CLEAR_VISITOR_HEADER,
  contactCtxOf,
  sessionAccessOf,
  VISITOR_TOKEN_HEADER,
  widget,
  widgetCtxOf,
  widgetPreflight,
} from "./widget/access.ts";
import { widgetConversationLimit } from "./widget/conversation-limit.ts";
import { serveWidgetScript } from "./widget/script.ts";

/**
 * The live-chat widget API: anonymous visitors and site-verified contacts
 * talking to one live-chat inbox from a customer's web page. Every route checks the page's origin against
 * the inbox's allowed domains and answers with CORS headers for it (widget/access.ts); every `/api/v1/widget/*`
 * path is rate-limited per IP (rate-buckets.ts). Responses are the widget's own views (core/widget/view.ts):
 * no private notes, no internal fields, no email addresses of agents.
 */
const pageVisit = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(MAX_PAGE_URL_LENGTH),
  title: z.string().max(MAX_PAGE_TITLE_LENGTH).optional(),
});
const message = z.string({ error: "required" }).max(20_000);
const initBody = z.object({
  message,
  form_data: z.record(z.string().max(64), z.unknown()).optional(),
  page: pageVisit.optional(),
});
const messageBody = z.object({ message, page: pageVisit.optional() });
const seenBody = z.object({ page: pageVisit.optional() });
const exchangeBody = z.object({ jwt: z.string({ error: "required" }).min(1, "required").max(8192) });
const uuidParam = z.object({ uuid: z.string().max(64) });
/** LibreDesk's widget upload form, for the OpenAPI document; the handler reads and checks the fields itself. */
const widgetUploadForm = z.object({
  conversation_uuid: z.string().describe("The visitor's conversation the file is sent to."),
  files: z.file().describe("The file; at most the smaller of MEDIA_MAX_BYTES and the workspace's upload limit."),
});

export const widgetFamily = new Hono<AppEnv>()
  .use("/api/v1/widget/*", widgetPreflight)
  // [HQ] The embeddable script (`<script src="…/widget.js" data-inbox="<inbox uuid>">`).
  .get(
    "/widget.js",
    respondsRaw({
      status: 200,
      contentType: "application/javascript",
      description: "The widget script (304 when the ETag matches).",
    }),
    serveWidgetScript,
  )
  .get("/api/v1/widget/chat/settings/launcher", widget("public"), responds(widgetLauncher), (c) =>
    ok(c, launcherSettings(accessOf(c).inbox)),
  )
  .get("/api/v1/widget/chat/settings", widget("public"), responds(widgetSettings), (c) =>
    ok(c, publicSettings(accessOf(c).inbox)),
  )
  .post(
    "/api/v1/widget/chat/auth/exchange",
    widget("public"),
    validate("json", exchangeBody),
    responds(widgetSession),
    async (c) => {
      const { database, clock } = c.get("deps");
      const { inbox } = accessOf(c);
      // The browser's visitor session, presented to be merged into the verified contact: the actor, if valid.
      const visitorToken = c.req.header(VISITOR_TOKEN_HEADER);
      const visitor = visitorToken
        ? await verifyWidgetSession(database.db, c.get("tenant").id, visitorToken, clock.now())
        : null;
      const done = await exchangeSiteJwt(
        { ...requestScope(c), actor: visitor && contactActor(visitor) },
        { inbox, jwt: c.req.valid("json").jwt, ip: clientIp(c), userAgent: c.req.header("user-agent") },
      );
      if (done.merged) c.header(CLEAR_VISITOR_HEADER, "true");
      return ok(c, { session_token: done.session.token, user: done.user });
    },
  )
  .get("/api/v1/widget/chat/auth/me", widget("session"), responds(widgetSessionUser), async (c) =>
    ok(c, await widgetUser(contactCtxOf(c))),
  )
  .post(
    "/api/v1/widget/chat/conversations/init",
    widget("optional"),
    validate("json", initBody),
    widgetConversationLimit,
    responds(widgetChatStarted, 201),
    async (c) => {
      const ctx = widgetCtxOf(c);
      const body = c.req.valid("json");
      const started = await startChat(ctx, {
        inbox: accessOf(c).inbox,
        message: body.message,
        formData: body.form_data,
        page: body.page,
        ip: clientIp(c),
        userAgent: c.req.header("user-agent"),
      });
      const detail = await conversationDetail({ ...ctx, actor: started.contact }, started.conversationId);
      const fresh = started.newSession
        ? { session_token: started.newSession.token, user: started.newSession.user }
        : {};
      return ok(c, { ...detail, ...fresh }, 201);
    },
  )
  .get("/api/v1/widget/chat/conversations", widget("session"), responds(z.array(widgetConversation)), async (c) =>
    ok(c, await listWidgetConversations(contactCtxOf(c))),
  )
  .get(
    "/api/v1/widget/chat/conversations/:uuid",
    widget("session"),
    validate("param", uuidParam),
    responds(widgetConversationDetail),
    async (c) => ok(c, await getWidgetConversation(contactCtxOf(c), c.req.valid("param").uuid)),
  )
  .post(
    "/api/v1/widget/chat/conversations/:uuid/message",
    widget("session"),
    validate("param", uuidParam),
    validate("json", messageBody),
    responds(widgetMessage.nullable(), 201),
    async (c) => {
      const ctx = contactCtxOf(c);
      const sent = await sendWidgetMessage(ctx, c.req.valid("param").uuid, c.req.valid("json"));
      return ok(c, await widgetMessageByUuid(ctx.db, ctx.tenantId, sent.messageUuid, mediaUrlMaker(c)), 201);
    },
  )
  .post(
    "/api/v1/widget/chat/conversations/:uuid/update-last-seen",
    widget("session"),
    validate("param", uuidParam),
    validate("json", seenBody),
    responds(done),
    async (c) => {
      await markWidgetSeen(contactCtxOf(c), c.req.valid("param").uuid, c.req.valid("json").page);
      return ok(c, true);
    },
  )
  .post(
    "/api/v1/widget/media/upload",
    widget("session"),
    uploadLimit((c) => mediaSettings(c.get("deps").config).maxBytes, widgetUploadForm, "files"),
    responds(widgetMessage.nullable(), 201),
    async (c) => {
      const { blobs, config } = c.get("deps");
      const { inbox } = sessionAccessOf(c);
      const ctx = contactCtxOf(c);
      const form = await multipart(c.req.header("content-type"), () => c.req.parseBody({ all: true }));
      const conversationUuid = form.conversation_uuid;
      if (typeof conversationUuid !== "string" || !conversationUuid)
        throw new InputError("conversation_uuid: required");
      const candidate = [form.files, form.file].flat().find((f): f is File => f instanceof File);
      if (!candidate) throw new InputError("files: required (one file part)");
      const general = await getGeneralSettings(ctx.db, ctx.tenantId, c.get("tenant").name);
      const maxBytes = Math.min(mediaSettings(config).maxBytes, general.max_file_upload_size_mb * 1024 * 1024);
      if (candidate.size > maxBytes) throw new InputError(`files: larger than the limit of ${describeBytes(maxBytes)}`);
      const sent = await sendWidgetFile(
        ctx,
        blobs,
        inbox,
        conversationUuid,
        { filename: candidate.name, contentType: candidate.type, bytes: new Uint8Array(await candidate.arrayBuffer()) },
        { maxBytes, allowedExtensions: general.allowed_file_upload_extensions },
      );
      return ok(c, await widgetMessageByUuid(ctx.db, ctx.tenantId, sent.messageUuid, mediaUrlMaker(c)), 201);
    },
  );

async function multipart<T>(contentType: string | undefined, parse: () => Promise<T>): Promise<T> {
  if (!contentType?.includes("multipart/form-data"))
    throw new InputError("files: send multipart/form-data with conversation_uuid and files");
  const form = await parse().catch(() => {
    throw new InputError("files: malformed multipart body");
  });
  assertStorableInput(form);
  return form;
}
