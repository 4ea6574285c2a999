import { listMessages, getMessage } from "@helperiq/core/message/read";
import { conversationTranscript } from "@helperiq/core/message/transcript";
import { contentDisposition } from "@helperiq/core/media/disposition";
import { deleteNote, editNote, retryMessage } from "@helperiq/core/message/edit";
import { MESSAGE_TYPES } from "@helperiq/core/conversation/message.sql";
import { sendMessage } from "@helperiq/core/message/send";
import { redactMessage } from "@helperiq/core/pci/redact";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@helperiq/core/page/index";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds, respondsRaw, type Responding } from "../middleware/envelope.ts";
import { message } from "../responses/message.ts";
import { page } from "../responses/page.ts";
import { done } from "../responses/scalars.ts";
import { idNumber, validate } from "../validate.ts";

const MAX_RECIPIENTS = 50;
/** Message HTML as sent by the editor; sanitised in core before storage. */
const html = z.string().max(500_000);
const recipients = z.array(z.email().max(254)).max(MAX_RECIPIENTS);
const statusName = z.string().trim().min(1).max(100);

/** The recipients and first message shared by replies and new conversations. */
export const replyFields = {
  message: html,
  to: recipients.optional(),
  cc: recipients.optional(),
  bcc: recipients.optional(),
  set_status: statusName.optional(),
};

/** Uploads to attach: HelperIQ's `{media_uuid}`, or LibreDesk's numeric upload ids (`POST /media` answers both). */
const attachments = z.array(z.union([z.object({ media_uuid: z.uuid("must be an upload uuid") }), idNumber])).max(50);

const sendBody = z.object({
  ...replyFields,
  message: html.optional(),
  private: z.boolean().default(false),
  from: z.string().trim().min(3).max(320).optional(),
  attachments: attachments.default([]),
  mentions: z.array(idNumber).max(50).default([]),
  forwarded_to: recipients.optional(),
});

const firstName = z.string().trim().min(1, "required").max(100);
const lastName = z.string().trim().max(100).optional();
const subject = z.string().trim().min(1, "required").max(1000);
/** Who the new conversation is assigned to; LibreDesk's dialog sends null for "nobody". */
const assignees = { team_id: idNumber.nullable().optional(), agent_id: idNumber.nullable().optional() };

/** HelperIQ's documented form: the agent's first message goes out to the contact. */
const helperIqConversation = z.object({
  ...replyFields,
  ...assignees,
  inbox_id: idNumber,
  contact: z.object({ first_name: firstName, last_name: lastName, email: z.email().max(254) }),
  subject,
  attachments: attachments.optional(),
});

/**
 * LibreDesk's "new conversation" dialog: the contact flat, the first message as `content`, and who wrote it
 * (`initiator`): the agent (sent to the contact) or the contact (recorded as their incoming message).
 */
const libreDeskConversation = z
  .object({
    ...assignees,
    inbox_id: idNumber,
    contact_email: z.email().max(254),
    first_name: firstName,
    last_name: lastName,
    subject,
    content: html,
    attachments: attachments.optional(),
    initiator: z.enum(["agent", "contact"]),
  })
  .transform(({ contact_email, first_name, last_name, content, ...rest }) => ({
    ...rest,
    contact: { first_name, last_name, email: contact_email },
    message: content,
    message_field: "content" as const,
  }));

/** `POST /api/v1/conversations` (served by the conversations family), in either client's form. */
export const newConversationBody = z.union([libreDeskConversation, helperIqConversation]);

const lower = (s: string) => s.toLowerCase();
const conversationParam = z.object({ uuid: z.uuid("must be a conversation uuid").transform(lower) });
const messageParam = conversationParam.extend({ message_uuid: z.uuid("must be a message uuid").transform(lower) });

const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  types: z
    .string()
    .max(100)
    .optional()
    .transform((s) =>
      s
        ?.split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(MESSAGE_TYPES)).optional()),
  private: z
    .enum(["true", "false"])
    .optional()
    .transform((p) => (p === undefined ? undefined : p === "true")),
});

const TRANSCRIPT = {
  status: 200,
  contentType: "text/plain",
  description: "The conversation as plain text, as a download.",
};

const refOf = (p: { uuid: string; message_uuid: string }) => ({
  conversationUuid: p.uuid,
  messageUuid: p.message_uuid,
});

/** Deletes the caller's own private note (core/message/edit.ts), at either of its two paths. */
async function removeNote(
  c: Context<AppEnv, string, Responding<true>>,
  params: { uuid: string; message_uuid: string },
) {
  await deleteNote(ctxOf(c), refOf(params));
  return ok(c, true);
}

/**
 * Messages of a conversation: read (newest first), reply or add a private note, edit
 * and delete one's own notes, retry a failed delivery. The conversation's visibility applies (404).
 */
export const messagesFamily = new Hono<AppEnv>()
  .get(
    "/api/v1/conversations/:uuid/messages",
    auth("messages:read"),
    validate("param", conversationParam),
    validate("query", listQuery),
    responds(page(message)),
    async (c) => {
      const q = c.req.valid("query");
      return ok(
        c,
        await listMessages(ctxOf(c), c.req.valid("param"), {
          page: q.page,
          pageSize: q.page_size,
          types: q.types,
          private: q.private,
        }),
      );
    },
  )
  // LibreDesk's transcript download: plain text, as an attachment (never rendered by the browser as a page).
  .get(
    "/api/v1/conversations/:uuid/transcript",
    auth("messages:read"),
    validate("param", conversationParam),
    respondsRaw(TRANSCRIPT),
    async (c) => {
      const transcript = await conversationTranscript(ctxOf(c), c.req.valid("param"));
      return c.body(transcript.text, 200, {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Disposition": contentDisposition(transcript.filename, true),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      });
    },
  )
  .get(
    "/api/v1/conversations/:uuid/messages/:message_uuid",
    auth("messages:read"),
    validate("param", messageParam),
    responds(message),
    async (c) => ok(c, await getMessage(ctxOf(c), refOf(c.req.valid("param")))),
  )
  .post(
    "/api/v1/conversations/:uuid/messages",
    auth("messages:write"),
    validate("param", conversationParam),
    validate("json", sendBody),
    responds(message, 201),
    async (c) => {
      return ok(c, await sendMessage(ctxOf(c), c.req.valid("param"), c.req.valid("json")), 201);
    },
  )
  .put(
    "/api/v1/conversations/:uuid/messages/:message_uuid/retry",
    auth("messages:write"),
    validate("param", messageParam),
    responds(message),
    async (c) => {
      return ok(c, await retryMessage(ctxOf(c), refOf(c.req.valid("param"))));
    },
  )
  .put(
    "/api/v1/conversations/:uuid/messages/:message_uuid/note",
    auth("messages:write"),
    validate("param", messageParam),
    validate("json", z.object({ message: html })),
    responds(message),
    async (c) => {
      return ok(c, await editNote(ctxOf(c), refOf(c.req.valid("param")), c.req.valid("json").message));
    },
  )
  .delete(
    "/api/v1/conversations/:uuid/messages/:message_uuid/note",
    auth("messages:write"),
    validate("param", messageParam),
    responds(done),
    async (c) => removeNote(c, c.req.valid("param")),
  )
  // LibreDesk deletes a note at the message's own path: the same operation.
  .delete(
    "/api/v1/conversations/:uuid/messages/:message_uuid",
    auth("messages:write"),
    validate("param", messageParam),
    responds(done),
    async (c) => removeNote(c, c.req.valid("param")),
  )
  // [HQ] Irreversibly masks card data in the message (pci/redact.ts); nothing to mask answers it unchanged.
  .post(
    "/api/v1/conversations/:uuid/messages/:message_uuid/redact",
    auth("messages:write"),
    validate("param", messageParam),
    responds(message),
    async (c) => {
      return ok(c, await redactMessage(ctxOf(c), refOf(c.req.valid("param"))));
    },
  );
