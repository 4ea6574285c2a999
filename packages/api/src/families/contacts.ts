import {
  addContactNote,
  CONTACT_ORDER_KEYS,
  createQuickContact,
  deleteContactNote,
  getContact,
  listContactConversations,
  listContactNotes,
  listContacts,
  MAX_NOTE_LENGTH,
  searchContacts,
  setContactBlocked,
  updateContact,
} from "@helperiq/core/contact/index";
import { deleteContact } from "@helperiq/core/contact/delete";
import { CONVERSATION_ORDER_KEYS } from "@helperiq/core/conversation/list";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok } from "../middleware/envelope.ts";
import { idParam, pageQuery, validate } from "../validate.ts";
import { searchText } from "./search.ts";

const name = z.string().trim().max(100);
const email = z.email().max(254);
const phone = z.string().trim().min(3).max(50).regex(/^[0-9+().\-\s]+$/, "must be a phone number");
const channel = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("email"), value: email }),
  z.object({ kind: z.literal("phone"), value: phone }),
]);

const contactUpdate = z
  .object({
    first_name: name.min(1, "required"),
    last_name: name,
    email: email.nullable(),
    phone: phone.nullable(),
    avatar_url: z.url({ protocol: /^https?$/ }).max(2000).nullable(),
    custom_attributes: z.record(z.string().regex(/^[a-z0-9_]{1,64}$/, "keys are lower-case letters, digits and _"), z.unknown()),
    channels: z.array(channel).max(20),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "nothing to update");

const quickContact = z
  .object({ first_name: name.min(1, "required"), last_name: name.optional(), email: email.optional(), phone: phone.optional() })
  .refine((b) => b.email !== undefined || b.phone !== undefined, { message: "an email or a phone is required", path: ["email"] });

const listQuery = pageQuery(CONTACT_ORDER_KEYS, "created_at", "users").extend({ filters: z.string().max(10_000).optional() });
const searchQuery = z.object({ q: z.string().max(200).optional(), query: z.string().max(200).optional() });
const conversationsQuery = pageQuery(CONVERSATION_ORDER_KEYS, "last_message_at", "conversations");
const noteParam = idParam.extend({
  note_id: z.string().regex(/^\d{1,15}$/, "note_id must be a positive integer").transform(Number),
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
  .get("/api/v1/contacts", auth("contacts:read_all"), validate("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    return ok(c, await listContacts(ctxOf(c), { ...pageOf(q), filters: q.filters }));
  })
  .get("/api/v1/contacts/search", auth("contacts:read"), validate("query", searchQuery), async (c) =>
    ok(c, await searchContacts(ctxOf(c), searchText(c.req.valid("query")))),
  )
  .post("/api/v1/contacts/quick", auth("contacts:write"), validate("json", quickContact), async (c) =>
    ok(c, await createQuickContact(ctxOf(c), c.req.valid("json")), 201),
  )
  .get("/api/v1/contacts/:id", auth("contacts:read"), validate("param", idParam), async (c) =>
    ok(c, await getContact(ctxOf(c), c.req.valid("param").id)),
  )
  .put("/api/v1/contacts/:id", auth("contacts:write"), validate("param", idParam), validate("json", contactUpdate), async (c) =>
    ok(c, await updateContact(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  // Erases the contact with their conversations (core/contact/delete.ts says what goes).
  .delete("/api/v1/contacts/:id", auth("contacts:delete"), validate("param", idParam), async (c) => {
    await deleteContact(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  })
  .put(
    "/api/v1/contacts/:id/block",
    auth("contacts:block"),
    validate("param", idParam),
    validate("json", z.object({ blocked: z.boolean() })),
    async (c) => ok(c, await setContactBlocked(ctxOf(c), c.req.valid("param").id, c.req.valid("json").blocked)),
  )
  .get(
    "/api/v1/contacts/:id/conversations",
    auth("contacts:read"),
    validate("param", idParam),
    validate("query", conversationsQuery),
    async (c) => ok(c, await listContactConversations(ctxOf(c), c.req.valid("param").id, pageOf(c.req.valid("query")))),
  )
  .get("/api/v1/contacts/:id/notes", auth("contact_notes:read"), validate("param", idParam), async (c) =>
    ok(c, await listContactNotes(ctxOf(c), c.req.valid("param").id)),
  )
  .post(
    "/api/v1/contacts/:id/notes",
    auth("contact_notes:write"),
    validate("param", idParam),
    validate("json", z.object({ note: z.string().trim().min(1, "required").max(MAX_NOTE_LENGTH) })),
    async (c) => ok(c, await addContactNote(ctxOf(c), c.req.valid("param").id, c.req.valid("json").note), 201),
  )
  // Authors may delete their own notes; deleting others' needs contact_notes:delete (checked in core).
  .delete("/api/v1/contacts/:id/notes/:note_id", auth(), validate("param", noteParam), async (c) => {
    const { id, note_id } = c.req.valid("param");
    await deleteContactNote(ctxOf(c), id, note_id);
    return ok(c, true);
  });
