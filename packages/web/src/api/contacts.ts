import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { ConversationRow, Data, Page } from "./types.ts";

/** The contacts screens' calls: list and search, one contact, its edit, block, notes and conversations. */

export type Contact = Data<"GET", "/api/v1/contacts/:id">;
export type ContactChannel = Contact["channels"][number];
export type ContactNote = Data<"GET", "/api/v1/contacts/:id/notes">[number];
export type ContactUpdate = Partial<{
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  avatar_url: string | null;
}>;

export const contactsApi = {
  list: (page: number, pageSize: number) =>
    call<Page<Contact>>(ENDPOINTS.contacts, {
      query: { page, page_size: pageSize, order_by: "created_at", order: "desc" },
    }),
  /** Name, email or phone; the API wants at least two characters. */
  search: (q: string) => call<Contact[]>(ENDPOINTS.contactSearch, { query: { q } }),
  get: (id: number) => call<Contact>(ENDPOINTS.contact, { params: { id } }),
  update: (id: number, change: ContactUpdate) =>
    call<Contact>(ENDPOINTS.updateContact, { params: { id }, body: change }),
  setBlocked: (id: number, blocked: boolean) =>
    call<Contact>(ENDPOINTS.blockContact, { params: { id }, body: { blocked } }),
  conversations: (id: number, page: number, pageSize: number) =>
    call<Page<ConversationRow>>(ENDPOINTS.contactConversations, {
      params: { id },
      query: { page, page_size: pageSize },
    }),
  notes: (id: number) => call<ContactNote[]>(ENDPOINTS.contactNotes, { params: { id } }),
  addNote: (id: number, note: string) =>
    call<ContactNote>(ENDPOINTS.addContactNote, { params: { id }, body: { note } }),
  deleteNote: (id: number, noteId: number) =>
    call<true>(ENDPOINTS.deleteContactNote, { params: { id, note_id: noteId } }),
};
