/** Contacts (spec §4): customers, stored as `users` rows of type "contact", with alternate channels and notes. */
export * from "./contact.sql.ts";
export { CONTACT_FILTERS, CONTACT_ORDER_KEYS, listContacts, type ContactListQuery, type ContactOrder } from "./list.ts";
export { addContactNote, deleteContactNote, listContactNotes, MAX_NOTE_LENGTH, type NoteView } from "./notes.ts";
export { getContact, requireContact } from "./scope.ts";
export { MAX_SEARCH_RESULTS, MIN_SEARCH_LENGTH, searchContacts } from "./search.ts";
export type { ChannelKind, ContactChannel, ContactView } from "./view.ts";
export {
  createQuickContact,
  setContactBlocked,
  updateContact,
  type ContactUpdate,
  type QuickContact,
} from "./write.ts";
