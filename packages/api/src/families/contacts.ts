import {
  addContactNote,
  CONTACT_ORDER_KEYS,
  createQuickContact,
  deleteContactNote,
  getContact,
  listContactNotes,
  listContacts,
  MAX_NOTE_LENGTH,
  requireContact,
  searchContacts,
  setContactBlocked,
  updateContact,
  type ContactUpdate,
} from "@helperiq/core/contact/index";
import { AVATAR_MAX_BYTES, uploadedAvatarUuid } from "@helperiq/core/media/avatar";
import { deleteContact, listContactConversations } from "@helperiq/core/conversation/contacts";
import { CONVERSATION_ORDER_KEYS } from "@helperiq/core/conversation/list";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { contact, contactNote } from "../responses/contact.ts";
import { conversationPage } from "../responses/conversation.ts";
import { page } from "../responses/page.ts";
import { done } from "../responses/scalars.ts";
import { formBoolean, formField, formFile } from "../form-fields.ts";
import { storeAvatarFile } from "../avatar-upload.ts";
import { uploadLimit } from "../upload.ts";
import { idParam, pageQuery, validate, validateJsonOrForm } from "../validate.ts";
import { searchText } from "./search.ts";

const name = z.string().trim().max(100);
const email = z.email().max(254);
const phone = z
  .string()
  .trim()
  .min(3)
  .max(50)
  .regex(/^[0-9+().\-\s]+$/, "must be a phone number");
const channel = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("email"), value: email }),
  z.object({ kind: z.literal("phone"), value: phone }),
]);

/** An external picture; the path of the contact's uploaded avatar is accepted back unchanged (core checks). */
const avatarUrl = z
  .string()
  .max(2000)
  .refine(
    (url) => uploadedAvatarUuid(url) !== null || (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)),
    "must be an http(s) URL",
  );

const contactUpdate = z
  .object({
    first_name: name.min(1, "required"),
    last_name: name,
    email: email.nullable(),
    phone: phone.nullable(),
    avatar_url: avatarUrl.nullable(),
    custom_attributes: z.record(
      z.string().regex(/^[a-z0-9_]{1,64}$/, "keys are lower-case letters, digits and _"),
      z.unknown(),
    ),
    channels: z.array(channel).max(20),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "nothing to update");

/** What either form of the contact edit asks for: the fields, plus a picture to upload (null removes it). */
type ContactChange = Omit<ContactUpdate, "avatar_upload"> & { files?: File | null | undefined };

const callingCode = z
  .string()
  .trim()
  .regex(/^\+?\d{1,4}$/, "must be a calling code like +61")
  .transform((code) => (code.startsWith("+") ? code : `+${code}`));

/**
 * LibreDesk's contact edit form (multipart; fields it has not set arrive as "undefined", see form-fields.ts):
 * HelperIQ's names plus its own — the phone as number and calling code (older UIs say country code),
 * `enabled` (= not blocked) and the avatar as a `files` part ("null" removes it).
 */
const contactForm = z
  .object({
    first_name: formField(name.min(1, "required"), ""),
    last_name: formField(name, ""),
    email: formField(email.nullable()),
    phone: formField(phone.nullable()),
    phone_number: formField(
      z
        .string()
        .trim()
        .regex(/^[0-9()\-\s]{3,20}$/, "must be a phone number of digits")
        .nullable(),
    ),
    phone_number_calling_code: formField(callingCode.nullable()),
    phone_number_country_code: formField(callingCode.nullable()),
    avatar_url: formField(avatarUrl.nullable()),
    enabled: formBoolean,
    files: formFile('A new picture (PNG, JPEG, GIF or WebP, at most 2 MB); "null" removes the avatar.'),
  })
  .strict()
  .transform(({ phone_number, phone_number_calling_code, phone_number_country_code, enabled, phone, ...rest }, ctx) => {
    if (phone !== undefined && phone_number !== undefined) {
      ctx.addIssue({ code: "custom", path: ["phone_number"], message: "give phone or phone_number, not both" });
      return z.NEVER;
    }
    const code = phone_number_calling_code ?? phone_number_country_code;
    const composed =
      phone_number === undefined ? phone : phone_number && (code ? `${code} ${phone_number}` : phone_number);
    const change: ContactChange = { ...rest, phone: composed, blocked: enabled === undefined ? undefined : !enabled };
    if (!Object.values(change).some((v) => v !== undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "nothing to update" });
      return z.NEVER;
    }
    return change;
  });

/** HelperIQ's `{blocked}` or LibreDesk's `{enabled}` (its inverse); both at once must agree. */
const blockBody = z
  .object({ blocked: z.boolean(), enabled: z.boolean() })
  .partial()
  .strict()
  .transform(({ blocked, enabled }, ctx) => {
    if (blocked === undefined && enabled === undefined) {
      ctx.addIssue({ code: "custom", path: ["blocked"], message: "required (or enabled)" });
      return z.NEVER;
    }
    if (blocked !== undefined && enabled !== undefined && blocked === enabled) {
      ctx.addIssue({
        code: "custom",
        path: ["enabled"],
        message: "contradicts blocked (enabled is the opposite of blocked)",
      });
      return z.NEVER;
    }
    return blocked ?? !enabled;
  });

const quickContact = z
  .object({
    first_name: name.min(1, "required"),
    last_name: name.optional(),
    email: email.optional(),
    phone: phone.optional(),
  })
  .refine((b) => b.email !== undefined || b.phone !== undefined, {
    message: "an email or a phone is required",
    path: ["email"],
  });

const listQuery = pageQuery(CONTACT_ORDER_KEYS, "created_at", "users").extend({
  filters: z.string().max(10_000).optional(),
});
const searchQuery = z.object({ q: z.string().max(200).optional(), query: z.string().max(200).optional() });
const conversationsQuery = pageQuery(CONVERSATION_ORDER_KEYS, "last_message_at", "conversations");
const noteParam = idParam.extend({
  note_id: z
    .string()
    .regex(/^\d{1,15}$/, "note_id must be a positive integer")
    .transform(Number),
});

/** The domain's page request from a `pageQuery` query. */
const pageOf = <O extends string>(q: { page: number; page_size: number; order_by: O; order: "asc" | "desc" }) => ({
  page: q.page,
  pageSize: q.page_size,
  orderBy: q.order_by,
  order: q.order,
});

/** Contacts and their notes (spec §4). `/contacts/search` comes before `/contacts/:id`. */
export const contactsFamily = new Hono<AppEnv>()
  .get(
    "/api/v1/contacts",
    auth("contacts:read_all"),
    validate("query", listQuery),
    responds(page(contact)),
    async (c) => {
      const q = c.req.valid("query");
      return ok(c, await listContacts(ctxOf(c), { ...pageOf(q), filters: q.filters }));
    },
  )
  .get(
    "/api/v1/contacts/search",
    auth("contacts:read"),
    validate("query", searchQuery),
    responds(z.array(contact)),
    async (c) => ok(c, await searchContacts(ctxOf(c), searchText(c.req.valid("query")))),
  )
  .post(
    "/api/v1/contacts/quick",
    auth("contacts:write"),
    validate("json", quickContact),
    responds(contact, 201),
    async (c) => ok(c, await createQuickContact(ctxOf(c), c.req.valid("json")), 201),
  )
  .get("/api/v1/contacts/:id", auth("contacts:read"), validate("param", idParam), responds(contact), async (c) =>
    ok(c, await getContact(ctxOf(c), c.req.valid("param").id)),
  )
  .put(
    "/api/v1/contacts/:id",
    auth("contacts:write"),
    validate("param", idParam),
    uploadLimit(() => AVATAR_MAX_BYTES, contactForm, "files"),
    validateJsonOrForm<ContactChange>(contactUpdate, contactForm),
    responds(contact),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = c.req.valid("param");
      const { files, ...update } = c.req.valid("json");
      if (files === null) update.avatar_url = null;
      // The picture is stored only for a contact the caller can see (404 before any byte is kept).
      if (files) await requireContact(ctx, id);
      const upload = files ? await storeAvatarFile(c, files) : undefined;
      return ok(c, await updateContact(ctx, id, { ...update, avatar_upload: upload }));
    },
  )
  // Erases the contact with their conversations (core/conversation/contacts.ts says what goes).
  .delete("/api/v1/contacts/:id", auth("contacts:delete"), validate("param", idParam), responds(done), async (c) => {
    await deleteContact(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  })
  .put(
    "/api/v1/contacts/:id/block",
    auth("contacts:block"),
    validate("param", idParam),
    validate("json", blockBody),
    responds(contact),
    async (c) => ok(c, await setContactBlocked(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .get(
    "/api/v1/contacts/:id/conversations",
    auth("contacts:read"),
    validate("param", idParam),
    validate("query", conversationsQuery),
    responds(conversationPage),
    async (c) => ok(c, await listContactConversations(ctxOf(c), c.req.valid("param").id, pageOf(c.req.valid("query")))),
  )
  .get(
    "/api/v1/contacts/:id/notes",
    auth("contact_notes:read"),
    validate("param", idParam),
    responds(z.array(contactNote)),
    async (c) => ok(c, await listContactNotes(ctxOf(c), c.req.valid("param").id)),
  )
  .post(
    "/api/v1/contacts/:id/notes",
    auth("contact_notes:write"),
    validate("param", idParam),
    validate("json", z.object({ note: z.string().trim().min(1, "required").max(MAX_NOTE_LENGTH) })),
    responds(contactNote, 201),
    async (c) => ok(c, await addContactNote(ctxOf(c), c.req.valid("param").id, c.req.valid("json").note), 201),
  )
  // Authors may delete their own notes; deleting others' needs contact_notes:delete (checked in core).
  .delete("/api/v1/contacts/:id/notes/:note_id", auth(), validate("param", noteParam), responds(done), async (c) => {
    const { id, note_id } = c.req.valid("param");
    await deleteContactNote(ctxOf(c), id, note_id);
    return ok(c, true);
  });
