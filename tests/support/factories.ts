import { issueApiKey } from "@helperiq/core/auth/index";
import { hashPassword } from "@helperiq/core/auth/password";
import { nextReferenceNumber } from "@helperiq/core/conversation/reference";
import type { Permission } from "@helperiq/core/role/permissions";
import {
  conversations,
  conversationTags,
  inboxes,
  messages,
  roles,
  statuses,
  tags,
  teamMembers,
  teams,
  userRoles,
  users,
} from "@helperiq/core/schema";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { createWidgetSession } from "@helperiq/core/widget/session";
import { and, eq } from "drizzle-orm";
import { BASE_DOMAIN, Client, type TestApp } from "./app.ts";

let seq = 0;
const unique = (prefix: string) => `${prefix}${process.pid.toString(36)}${(++seq).toString(36)}`;

export const TEST_PASSWORD = "correct horse battery staple";

export type TestTenant = {
  id: number;
  slug: string;
  host: string;
  adminId: number;
  systemUserId: number;
  adminEmail: string;
  /** The admin, authenticated with an API key. */
  admin: Client;
  /** No credentials, on this tenant's host. */
  anonymous: Client;
};

/** A workspace at `<slug>.helperiq.test` with the default roles, statuses and an admin. */
export async function createTenant(t: TestApp, opts: { slug?: string; adminEmail?: string } = {}): Promise<TestTenant> {
  const slug = opts.slug ?? unique("ws");
  const adminEmail = opts.adminEmail ?? `admin@${slug}.example`;
  const p = await provisionTenant(t.database.db, {
    slug,
    name: `Workspace ${slug}`,
    admin: { email: adminEmail, firstName: "Ada", lastName: "Admin", password: TEST_PASSWORD },
  });
  const host = `${slug}.${BASE_DOMAIN}`;
  const key = await issueApiKey(t.database.db, {
    tenantId: p.tenantId,
    userId: p.adminId,
    kind: "admin",
    now: t.clock.now(),
  });
  return {
    id: p.tenantId,
    slug,
    host,
    adminId: p.adminId,
    systemUserId: p.systemUserId,
    adminEmail,
    admin: new Client(t, host, { bearer: key.key }),
    anonymous: new Client(t, host),
  };
}

export type TestAgent = { id: number; email: string; password: string; apiKey: string; client: Client };

/** An agent holding exactly `permissions` (through a role made for them), with an API key. */
export async function createAgent(
  t: TestApp,
  tenant: TestTenant,
  opts: { permissions?: Permission[]; email?: string; firstName?: string } = {},
): Promise<TestAgent> {
  const db = t.database.db;
  const email = opts.email ?? `${unique("agent")}@example.com`;
  const [user] = await db
    .insert(users)
    .values({
      tenantId: tenant.id,
      type: "agent",
      email,
      firstName: opts.firstName ?? "Agent",
      lastName: "Smith",
      passwordHash: await hashPassword(TEST_PASSWORD),
    })
    .returning({ id: users.id });
  const [role] = await db
    .insert(roles)
    .values({ tenantId: tenant.id, name: unique("role"), permissions: opts.permissions ?? [] })
    .returning({ id: roles.id });
  await db.insert(userRoles).values({ tenantId: tenant.id, userId: user!.id, roleId: role!.id });
  const key = await issueApiKey(db, { tenantId: tenant.id, userId: user!.id, kind: "admin", now: t.clock.now() });
  return {
    id: user!.id,
    email,
    password: TEST_PASSWORD,
    apiKey: key.key,
    client: new Client(t, tenant.host, { bearer: key.key }),
  };
}

export async function createTeam(t: TestApp, tenant: TestTenant, memberIds: number[] = []) {
  const [team] = await t.database.db
    .insert(teams)
    .values({ tenantId: tenant.id, name: unique("team") })
    .returning();
  if (memberIds.length) {
    await t.database.db
      .insert(teamMembers)
      .values(memberIds.map((userId) => ({ tenantId: tenant.id, teamId: team!.id, userId })));
  }
  return team!;
}

export async function createContact(t: TestApp, tenant: TestTenant, opts: { email?: string; firstName?: string } = {}) {
  const [contact] = await t.database.db
    .insert(users)
    .values({
      tenantId: tenant.id,
      type: "contact",
      email: opts.email ?? `${unique("customer")}@example.org`,
      firstName: opts.firstName ?? "Casey",
      lastName: "Customer",
    })
    .returning();
  return contact!;
}

/** A live-chat visitor of `tenant` (a contact of type visitor, in a live-chat inbox of its own) and their widget session token. */
export async function createWidgetVisitor(t: Pick<TestApp, "database">, tenant: TestTenant) {
  const db = t.database.db;
  const [inbox] = await db
    .insert(inboxes)
    .values({ tenantId: tenant.id, name: unique("Chat "), channel: "livechat", from: "" })
    .returning();
  const [contact] = await db
    .insert(users)
    .values({ tenantId: tenant.id, type: "visitor", firstName: "Vera", lastName: "" })
    .returning();
  const { token } = await createWidgetSession(db, {
    tenantId: tenant.id,
    inboxId: inbox!.id,
    contactId: contact!.id,
    now: new Date(),
  });
  return { contactId: contact!.id, inboxId: inbox!.id, token };
}

export async function createInbox(t: TestApp, tenant: TestTenant, opts: { name?: string } = {}) {
  const [inbox] = await t.database.db
    .insert(inboxes)
    .values({
      tenantId: tenant.id,
      name: opts.name ?? unique("Support "),
      channel: "email",
      from: "support@example.com",
    })
    .returning();
  return inbox!;
}

export type ConversationOptions = {
  subject?: string;
  status?: string;
  inboxId?: number;
  contactId?: number;
  assignedUserId?: number | null;
  assignedTeamId?: number | null;
  priorityId?: number | null;
  tags?: string[];
  lastMessageAt?: Date;
  customAttributes?: Record<string, unknown>;
};

/** A conversation row as the domain would create it (reference number from the tenant's sequence). */
export async function createConversation(t: TestApp, tenant: TestTenant, opts: ConversationOptions = {}) {
  const db = t.database.db;
  const inboxId = opts.inboxId ?? (await createInbox(t, tenant)).id;
  const contactId = opts.contactId ?? (await createContact(t, tenant)).id;
  const [status] = await db
    .select({ id: statuses.id })
    .from(statuses)
    .where(and(eq(statuses.tenantId, tenant.id), eq(statuses.name, opts.status ?? "Open")));
  if (!status) throw new Error(`no status ${opts.status}`);
  const [conversation] = await db
    .insert(conversations)
    .values({
      tenantId: tenant.id,
      referenceNumber: await nextReferenceNumber(db, tenant.id),
      inboxId,
      contactId,
      statusId: status.id,
      priorityId: opts.priorityId ?? null,
      assignedUserId: opts.assignedUserId ?? null,
      assignedTeamId: opts.assignedTeamId ?? null,
      subject: opts.subject ?? "Help needed",
      lastMessage: "Hello, I need help",
      lastMessageAt: opts.lastMessageAt ?? t.clock.now(),
      customAttributes: opts.customAttributes ?? {},
    })
    .returning();
  for (const name of opts.tags ?? []) {
    const [found] = await db
      .select({ id: tags.id })
      .from(tags)
      .where(and(eq(tags.tenantId, tenant.id), eq(tags.name, name)));
    const tagId =
      found?.id ?? (await db.insert(tags).values({ tenantId: tenant.id, name }).returning({ id: tags.id }))[0]!.id;
    await db.insert(conversationTags).values({ tenantId: tenant.id, conversationId: conversation!.id, tagId });
  }
  return conversation!;
}

/** A message row in a conversation (incoming by default), as the channel import would store it. */
export async function createMessage(
  t: TestApp,
  tenant: TestTenant,
  conversationId: number,
  opts: { type?: "incoming" | "outgoing" | "activity"; text?: string; createdAt?: Date } = {},
) {
  const type = opts.type ?? "incoming";
  const text = opts.text ?? "Hello, I need help";
  const [message] = await t.database.db
    .insert(messages)
    .values({
      tenantId: tenant.id,
      conversationId,
      type,
      status: type === "incoming" ? "received" : "sent",
      senderType: type === "incoming" ? "contact" : type === "outgoing" ? "agent" : "system",
      content: `<p>${text}</p>`,
      textContent: text,
      createdAt: opts.createdAt ?? t.clock.now(),
    })
    .returning();
  return message!;
}
