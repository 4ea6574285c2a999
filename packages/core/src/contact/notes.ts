import { and, desc, eq } from "drizzle-orm";
import { can, type Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { NotFoundError, PermissionError } from "../errors/index.ts";
import { users } from "../user/user.sql.ts";
import { contactNotes } from "./contact.sql.ts";
import { requireContact } from "./scope.ts";

export const MAX_NOTE_LENGTH = 5000;

export type NoteView = {
  id: number;
  /** Plain text, stored as typed: clients must escape it when rendering (no HTML sanitiser yet). */
  note: string;
  user: { id: number; first_name: string; last_name: string } | null;
  created_at: string | null;
};

const n = contactNotes;
const noteColumns = {
  id: n.id,
  note: n.note,
  createdAt: n.createdAt,
  userId: users.id,
  firstName: users.firstName,
  lastName: users.lastName,
};
type NoteRecord = {
  id: number;
  note: string;
  createdAt: Date;
  userId: number | null;
  firstName: string | null;
  lastName: string | null;
};

function noteView(r: NoteRecord): NoteView {
  return {
    id: r.id,
    note: r.note,
    user: r.userId === null ? null : { id: r.userId, first_name: r.firstName ?? "", last_name: r.lastName ?? "" },
    created_at: iso(r.createdAt),
  };
}

/** A contact's notes, newest first. */
export async function listContactNotes(ctx: Ctx, contactId: number): Promise<NoteView[]> {
  await requireContact(ctx, contactId);
  const rows = await ctx.db
    .select(noteColumns)
    .from(n)
    .leftJoin(users, eq(users.id, n.userId))
    .where(and(eq(n.tenantId, ctx.tenantId), eq(n.contactId, contactId)))
    .orderBy(desc(n.createdAt), desc(n.id));
  return rows.map(noteView);
}

export async function addContactNote(ctx: Ctx, contactId: number, note: string): Promise<NoteView> {
  await requireContact(ctx, contactId);
  const authorId = ctx.actor.type === "agent" ? ctx.actor.userId : null;
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(n)
    .values({ tenantId: ctx.tenantId, contactId, userId: authorId, note, createdAt: now, updatedAt: now })
    .returning({ id: n.id });
  const [created] = await ctx.db
    .select(noteColumns)
    .from(n)
    .leftJoin(users, eq(users.id, n.userId))
    .where(eq(n.id, row!.id));
  return noteView(created!);
}

/** Only the note's author or a holder of contact_notes:delete may delete it; a note of another contact is 404. */
export async function deleteContactNote(ctx: Ctx, contactId: number, noteId: number): Promise<void> {
  await requireContact(ctx, contactId);
  const scoped = and(eq(n.tenantId, ctx.tenantId), eq(n.contactId, contactId), eq(n.id, noteId));
  const [note] = await ctx.db.select({ userId: n.userId }).from(n).where(scoped);
  if (!note) throw new NotFoundError("Note");
  const isAuthor = ctx.actor.type === "agent" && note.userId === ctx.actor.userId;
  if (!isAuthor && !can(ctx.actor, "contact_notes:delete"))
    throw new PermissionError("Only the note's author may delete it");
  await ctx.db.delete(n).where(scoped);
}
