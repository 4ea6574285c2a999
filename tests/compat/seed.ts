/**
 * The workspace the compatibility suite replays the catalogue against: one tenant with an admin signed in
 * through the UI's cookie session, and the conversations, messages, contacts, team, … the calls need.
 *
 * Seeding uses HelperIQ's own documented forms (the factories and the admin's API key), never the UI's form
 * under test, so a compatibility gap shows up on the call that has it and not on every call after it.
 * Placeholders named `fresh_*` / `new_*` make a new resource or name at each use (for deletes and creates);
 * every other placeholder is made once and shared.
 */
import { messages, statuses } from "@helperiq/core/schema";
import { and, eq } from "drizzle-orm";
import type { TestApp } from "../support/app.ts";
import type { Client } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createInbox,
  createMessage,
  createTeam,
  createTenant,
  TEST_PASSWORD,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import type { Dovecot } from "../support/dovecot.ts";
import type { MahoServer } from "../support/maho-server.ts";
import type { SmtpPeer } from "../support/smtp-peer.ts";

export type Seed = {
  tenant: TestTenant;
  /** The admin as the agent UI is signed in: session cookie plus the CSRF header. */
  session: Client;
  /** The value of a placeholder (made on first use, or afresh for `fresh_*` / `new_*`). */
  value(name: string): Promise<unknown>;
};

const SEARCH_WORD = "marmalade";

let counter = 0;
const unique = (prefix: string) => `${prefix} ${process.pid.toString(36)}${(++counter).toString(36)}`;

/** Mail servers the connection-test buttons reach: an IMAP server and an SMTP server requiring this login. */
export type SeedMail = { imap: Dovecot; smtp: SmtpPeer; smtpLogin: { username: string; password: string } };

export async function seedWorkspace(t: TestApp, maho: MahoServer, mail: SeedMail): Promise<Seed> {
  const tenant = await createTenant(t);
  const admin = tenant.admin; // API key: the seeding channel, separate from the session under test
  const db = t.database.db;
  const session = await tenant.anonymous.login(tenant.adminEmail, TEST_PASSWORD);

  const ok = async (res: Promise<{ status: number; body: any }>, what: string) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`seed: ${what} answered ${r.status} ${JSON.stringify(r.body)}`);
    return r.body?.data;
  };

  const team = await createTeam(t, tenant, [tenant.adminId]);
  const inbox = await createInbox(t, tenant, { name: "Compat support" });
  const contact = await createContact(t, tenant, { email: "casey.compat@example.org", firstName: "Casey" });
  // Mentions the admin in a private note, which makes the admin a mentioned participant and notifies them.
  const writer: TestAgent = await createAgent(t, tenant, {
    permissions: ["conversations:read_all", "messages:read", "messages:write"],
    firstName: "Wendy",
  });
  const agent: TestAgent = await createAgent(t, tenant, { permissions: ["conversations:read"], firstName: "Agent" });
  const [open] = await db
    .select({ id: statuses.id })
    .from(statuses)
    .where(and(eq(statuses.tenantId, tenant.id), eq(statuses.name, "Open")));
  const priorities: { id: number; name: string }[] = await ok(admin.get("/api/v1/priorities"), "priorities");
  const high = priorities.find((p) => p.name === "High")!;

  const conversation = await createConversation(t, tenant, {
    inboxId: inbox.id,
    contactId: contact.id,
    assignedUserId: tenant.adminId,
    assignedTeamId: team.id,
    priorityId: high.id,
    subject: `Where is my ${SEARCH_WORD} order?`,
  });
  const incoming = await createMessage(t, tenant, conversation.id, {
    text: `I ordered ${SEARCH_WORD} jars and nothing came`,
  });
  await createConversation(t, tenant, {
    inboxId: inbox.id,
    contactId: contact.id,
    assignedTeamId: team.id,
    subject: "Team queue",
  });
  await createConversation(t, tenant, { inboxId: inbox.id, contactId: contact.id, subject: "Nobody's yet" });
  const mutable = await createConversation(t, tenant, {
    inboxId: inbox.id,
    contactId: contact.id,
    assignedUserId: tenant.adminId,
    subject: "Changes a lot",
  });

  const mentionAdmin = async () =>
    ok(
      writer.client.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
        message: "<p>Can you take this one?</p>",
        private: true,
        mentions: [tenant.adminId],
      }),
      "mention",
    );
  await mentionAdmin();
  await t.queue.drain();

  const conversationAttribute = "plan";
  const contactAttribute = "tier";
  const shared = new Map<string, Promise<unknown>>();
  const once = (name: string, make: () => Promise<unknown>) => {
    if (!shared.has(name)) shared.set(name, make());
    return shared.get(name)!;
  };
  const idOf = async (res: Promise<{ status: number; body: any }>, what: string) => (await ok(res, what)).id as number;

  const fresh: Record<string, () => Promise<unknown>> = {
    new_team_name: async () => unique("Team"),
    new_role_name: async () => unique("Role"),
    new_macro_name: async () => unique("Macro"),
    new_tag_name: async () => unique("tag").replace(" ", "-"),
    new_status_name: async () => unique("Status"),
    new_oidc_name: async () => unique("IdP"),
    new_inbox_name: async () => unique("Inbox"),
    new_agent_email: async () => `${unique("new").replace(" ", ".")}@example.com`,
    new_attribute_key: async () => unique("attr").replace(" ", "_"),
    fresh_team_id: async () => (await createTeam(t, tenant)).id,
    fresh_role_id: async () => idOf(admin.post("/api/v1/roles", { name: unique("Role"), permissions: [] }), "role"),
    fresh_agent_id: async () => (await createAgent(t, tenant)).id,
    fresh_contact_id: async () => (await createContact(t, tenant)).id,
    fresh_contact_note_id: async () =>
      idOf(admin.post(`/api/v1/contacts/${contact.id}/notes`, { note: "Short-lived note" }), "contact note"),
    fresh_tag_id: async () => idOf(admin.post("/api/v1/tags", { name: unique("tag").replace(" ", "-") }), "tag"),
    fresh_status_id: async () => idOf(admin.post("/api/v1/statuses", { name: unique("Status") }), "status"),
    fresh_macro_id: async () =>
      idOf(
        admin.post("/api/v1/macros", { name: unique("Macro"), message_content: "<p>Bye</p>", actions: [] }),
        "macro",
      ),
    fresh_view_id: async () => idOf(session.post("/api/v1/views/me", { name: unique("View"), filters: [] }), "view"),
    fresh_shared_view_id: async () =>
      idOf(admin.post("/api/v1/shared-views", { name: unique("Shared"), filters: [] }), "shared view"),
    fresh_custom_attribute_id: async () =>
      idOf(
        admin.post("/api/v1/custom-attributes", {
          applies_to: "conversation",
          name: "Temp",
          key: unique("temp").replace(" ", "_"),
          type: "text",
        }),
        "attribute",
      ),
    fresh_oidc_id: async () =>
      idOf(
        admin.post("/api/v1/oidc", {
          name: unique("IdP"),
          provider_url: "https://login.example.com/realms/x/",
          client_id: "x",
          client_secret: "y",
        }),
        "oidc",
      ),
    fresh_inbox_id: async () => (await createInbox(t, tenant)).id,
    fresh_rag_source_id: async () =>
      idOf(
        admin.post("/api/v1/rag/sources", {
          name: unique("Source"),
          source_type: "custom",
          config: { snippets: ["Short-lived."] },
        }),
        "rag source",
      ),
    fresh_notification_id: async () => {
      await mentionAdmin();
      await t.queue.drain();
      const list = await ok(session.get("/api/v1/notifications"), "notifications");
      const rows: { id: number }[] = Array.isArray(list) ? list : (list.results ?? list.notifications ?? []);
      if (!rows.length) throw new Error("seed: no notification after a mention");
      return rows[0]!.id;
    },
    // A failed outgoing reply by the admin: only a failed message can be retried, only by its sender.
    failed_message_uuid: async () => {
      const [row] = await db
        .insert(messages)
        .values({
          tenantId: tenant.id,
          conversationId: conversation.id,
          type: "outgoing",
          status: "failed",
          senderType: "agent",
          senderId: tenant.adminId,
          content: "<p>This bounced</p>",
          textContent: "This bounced",
          createdAt: t.clock.now(),
        })
        .returning({ uuid: messages.uuid });
      return row!.uuid;
    },
    // The admin's own private note (only its author may delete it).
    note_uuid: async () =>
      (
        await ok(
          session.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
            message: "<p>Scratch note</p>",
            private: true,
          }),
          "note",
        )
      ).uuid,
    drafted_conversation_uuid: async () => {
      await ok(
        session.post(`/api/v1/conversations/${mutable.uuid}/draft`, { content: "<p>Draft to drop</p>" }),
        "draft",
      );
      return mutable.uuid;
    },
    media_id: async () => {
      const form = new FormData();
      form.append("file", new File(["Invoice 42"], "invoice.txt", { type: "text/plain" }));
      const media = await ok(session.request("POST", "/api/v1/media", form), "media upload");
      return media.id ?? media.uuid;
    },
    media_uuid: async () => {
      const form = new FormData();
      form.append("file", new File(["Invoice 43"], "invoice.txt", { type: "text/plain" }));
      return (await ok(session.request("POST", "/api/v1/media", form), "media upload")).uuid;
    },
  };

  const sharedValues: Record<string, () => Promise<unknown>> = {
    admin_email: async () => tenant.adminEmail,
    admin_password: async () => TEST_PASSWORD,
    conversation_uuid: async () => conversation.uuid,
    mutable_conversation_uuid: async () => mutable.uuid,
    message_uuid: async () => incoming.uuid,
    search_word: async () => SEARCH_WORD,
    team_id: async () => team.id,
    team_name: async () => team.name,
    inbox_id: async () => inbox.id,
    inbox_name: async () => inbox.name,
    contact_id: async () => contact.id,
    contact_email: async () => contact.email,
    contact_email_prefix: async () => contact.email!.slice(0, 11),
    blockable_contact_id: async () => (await createContact(t, tenant)).id,
    agent_id: async () => agent.id,
    agent_email: async () => agent.email,
    open_status_id: async () => String(open!.id),
    high_priority_id: async () => String(high.id),
    attribute_key: async () => conversationAttribute,
    contact_attribute_key: async () => contactAttribute,
    custom_attribute_id: async () => {
      await ok(
        admin.post("/api/v1/custom-attributes", {
          applies_to: "contact",
          name: "Tier",
          key: contactAttribute,
          type: "number",
        }),
        "contact attribute",
      );
      return idOf(
        admin.post("/api/v1/custom-attributes", {
          applies_to: "conversation",
          name: "Plan",
          key: conversationAttribute,
          type: "text",
        }),
        "attribute",
      );
    },
    role_id: async () => (await roleRow()).id,
    role_name: async () => (await roleRow()).name,
    macro_id: async () => (await macroRow()).id,
    macro_name: async () => (await macroRow()).name,
    tag_id: async () => (await tagRow()).id,
    tag_name: async () => (await tagRow()).name,
    status_id: async () => (await statusRow()).id,
    status_name: async () => (await statusRow()).name,
    status_ids_reversed: async () => {
      const all: { id: number }[] = await ok(admin.get("/api/v1/statuses"), "statuses");
      return all.map((s) => s.id).reverse();
    },
    view_id: async () =>
      idOf(
        session.post("/api/v1/views/me", {
          name: "Open",
          filters: [{ field: "status_id", operator: "=", value: open!.id }],
        }),
        "view",
      ),
    shared_view_id: async () =>
      idOf(admin.post("/api/v1/shared-views", { name: "Everyone's open", filters: [] }), "shared view"),
    oidc_id: async () => (await oidcRow()).id,
    oidc_name: async () => (await oidcRow()).name,
    rag_source_id: async () =>
      idOf(
        admin.post("/api/v1/rag/sources", {
          name: "Refunds",
          source_type: "custom",
          config: { snippets: ["Refunds take five business days."] },
        }),
        "rag source",
      ),
    notification_id: async () => fresh.fresh_notification_id!(),
    maho_url: async () => maho.url,
    imap_host: async () => (await imapUser()).host,
    imap_port: async () => (await imapUser()).port,
    imap_username: async () => (await imapUser()).username,
    imap_password: async () => (await imapUser()).password,
    smtp_port: async () => Number(new URL(mail.smtp.url).port),
    smtp_username: async () => mail.smtpLogin.username,
    smtp_password: async () => mail.smtpLogin.password,
    // A saved provider (HelperIQ's form), for the calls that pick or test one.
    ai_provider_type: async () => {
      await ok(admin.put("/api/v1/ai/provider", { type: "openai", api_key: "sk-compat-test" }), "ai provider");
      return "openai";
    },
  };
  const imapUser = () => once("imap user", () => mail.imap.addUser()) as ReturnType<Dovecot["addUser"]>;
  const roleRow = () =>
    once("role", () =>
      ok(admin.post("/api/v1/roles", { name: "Compat role", permissions: ["conversations:read"] }), "role"),
    ) as Promise<{ id: number; name: string }>;
  const macroRow = () =>
    once("macro", () =>
      ok(
        admin.post("/api/v1/macros", {
          name: "Thanks",
          message_content: "<p>Thanks!</p>",
          actions: [{ type: "set_priority", value: "Low" }],
        }),
        "macro",
      ),
    ) as Promise<{ id: number; name: string }>;
  const tagRow = () =>
    once("tag", () => ok(admin.post("/api/v1/tags", { name: "vip" }), "tag")) as Promise<{ id: number; name: string }>;
  const statusRow = () =>
    once("status", () => ok(admin.post("/api/v1/statuses", { name: "On hold" }), "status")) as Promise<{
      id: number;
      name: string;
    }>;
  const oidcRow = () =>
    once("oidc", () =>
      ok(
        admin.post("/api/v1/oidc", {
          name: "Keycloak",
          provider_url: "https://login.example.com/realms/support/",
          client_id: "helperiq",
          client_secret: "s3cr3t",
        }),
        "oidc",
      ),
    ) as Promise<{ id: number; name: string }>;

  const value = async (name: string) => {
    const make = fresh[name];
    if (make) return make();
    const shareable = sharedValues[name];
    if (!shareable) throw new Error(`seed: no placeholder {${name}}`);
    return once(`value:${name}`, shareable);
  };
  // What the list screens read must exist before the lists are read.
  for (const name of [
    "custom_attribute_id",
    "role_id",
    "macro_id",
    "tag_id",
    "status_id",
    "view_id",
    "shared_view_id",
    "oidc_id",
    "rag_source_id",
  ]) {
    await value(name);
  }
  await ok(
    session.post(`/api/v1/conversations/${conversation.uuid}/draft`, { content: "<p>Started a reply</p>" }),
    "draft",
  );
  await ok(admin.post(`/api/v1/contacts/${contact.id}/notes`, { note: "VIP since 2019" }), "contact note");
  await t.queue.drain();

  return {
    tenant,
    session,
    value,
  };
}
