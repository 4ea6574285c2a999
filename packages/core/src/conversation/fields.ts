import { and, eq } from "drizzle-orm";
import { contactsOf } from "../contact/scope.ts";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import { priorities } from "../status/status.sql.ts";
import { users } from "../user/user.sql.ts";
import { changeConversation, type ChangeTarget } from "./change.ts";

/** A priority by id (1–4) or name; null clears it. */
export async function setPriority(ctx: Ctx, target: ChangeTarget, ref: string | number | null): Promise<boolean> {
  const all = await ctx.db.select({ id: priorities.id, name: priorities.name }).from(priorities);
  const priority =
    ref === null
      ? null
      : all.find((p) => (typeof ref === "number" ? p.id === ref : p.name.toLowerCase() === ref.trim().toLowerCase()));
  if (priority === undefined) throw new InputError("priority: must be Low, Medium, High, Urgent, 1 to 4 or null");
  return changeConversation(ctx, target, (row, _tx, who) =>
    row.priorityId === (priority?.id ?? null)
      ? null
      : {
          set: { priorityId: priority?.id ?? null },
          changes: { priority: priority?.name ?? null, priority_id: priority?.id ?? null },
          activity: {
            kind: "priority",
            text: priority ? `${who} set priority to ${priority.name}` : `${who} removed the priority`,
            meta: { priority: priority?.name ?? null },
          },
        },
  );
}

export async function setSubject(ctx: Ctx, target: ChangeTarget, subject: string): Promise<boolean> {
  return changeConversation(ctx, target, (row, _tx, who) =>
    row.subject === subject
      ? null
      : {
          set: { subject },
          changes: { subject },
          activity: { kind: "subject", text: `${who} changed the subject to ${subject}`, meta: { subject } },
        },
  );
}

/** Moves the conversation to another contact of the workspace. */
export async function setContact(ctx: Ctx, target: ChangeTarget, contactId: number): Promise<boolean> {
  const [contact] = await ctx.db
    .select({ id: users.id, firstName: users.firstName, lastName: users.lastName, email: users.email })
    .from(users)
    .where(and(contactsOf(ctx), eq(users.id, contactId)));
  if (!contact) throw new InputError(`contact_id: no contact with id ${contactId} in this workspace`);
  const name = `${contact.firstName} ${contact.lastName}`.trim() || (contact.email ?? `#${contact.id}`);
  return changeConversation(ctx, target, (row, _tx, who) =>
    row.contactId === contact.id
      ? null
      : {
          set: { contactId: contact.id },
          changes: {
            contact_id: contact.id,
            contact: { first_name: contact.firstName, last_name: contact.lastName, email: contact.email },
          },
          activity: {
            kind: "contact",
            text: `${who} changed the contact to ${name}`,
            meta: { contact_id: contact.id },
          },
        },
  );
}
