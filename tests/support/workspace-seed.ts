import { storeMedia } from "@helperiq/core/media/store";
import { EMBEDDING_DIMENSIONS } from "@helperiq/core/port/ai";
import { TENANT_TABLES } from "@helperiq/core/tenant-tables";
import {
  contactNotes,
  conversationParticipants,
  drafts,
  notifications,
  ragDocuments,
  ragSources,
  tenantDomains,
  tenantUsage,
} from "@helperiq/core/schema";
import { sql, type SQL } from "drizzle-orm";
import type { TestApp } from "./app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createMessage,
  createTeam,
  TEST_PASSWORD,
  type TestTenant,
} from "./factories.ts";

/**
 * Fills a workspace the way use would: agents with roles and API keys, a team, a signed-in session, contacts
 * with notes, conversations with tags, participants, drafts, notifications and messages holding media
 * (bytes in the blob store), a knowledge source with chunks, a custom domain and usage figures.
 */
export async function seedWorkspace(t: TestApp, tenant: TestTenant, size = { conversations: 3, messages: 4 }) {
  const db = t.database.db;
  const agent = await createAgent(t, tenant, { permissions: ["conversations:read"] });
  await createTeam(t, tenant, [agent.id, tenant.adminId]);
  await tenant.anonymous.login(tenant.adminEmail, TEST_PASSWORD);
  const contact = await createContact(t, tenant);
  await db.insert(contactNotes).values({ tenantId: tenant.id, contactId: contact.id, userId: agent.id, note: "VIP" });
  for (let c = 0; c < size.conversations; c++) {
    const conversation = await createConversation(t, tenant, { contactId: contact.id, tags: ["billing", `t${c}`] });
    await db
      .insert(conversationParticipants)
      .values({ tenantId: tenant.id, conversationId: conversation.id, userId: agent.id, kind: "follower" });
    await db
      .insert(drafts)
      .values({ tenantId: tenant.id, conversationId: conversation.id, userId: agent.id, content: "draft" });
    for (let m = 0; m < size.messages; m++) {
      const message = await createMessage(t, tenant, conversation.id, { text: `message ${c}.${m} of ${tenant.slug}` });
      if (m === 0) {
        await storeMedia(db, t.blobs, {
          tenantId: tenant.id,
          filename: `scan-${c}.txt`,
          contentType: "text/plain",
          bytes: new TextEncoder().encode(`attachment ${c} of ${tenant.slug}`),
          messageId: message.id,
        });
        await db.insert(notifications).values({
          tenantId: tenant.id,
          userId: agent.id,
          type: "mention",
          title: "You were mentioned",
          conversationId: conversation.id,
          messageId: message.id,
        });
      }
    }
  }
  const [source] = await db
    .insert(ragSources)
    .values({ tenantId: tenant.id, name: "FAQ", sourceType: "custom", documentCount: 2 })
    .returning();
  for (let i = 0; i < 2; i++) {
    await db.insert(ragDocuments).values({
      tenantId: tenant.id,
      sourceId: source!.id,
      documentKey: `snippet:${i}`,
      content: `chunk ${i} of ${tenant.slug}`,
      contentHash: `h${i}`,
      chunkIndex: i,
      embedding: Array.from({ length: EMBEDDING_DIMENSIONS }, (_, k) => (k === i ? 1 : 0)),
      embeddingModel: "test",
    });
  }
  await db
    .insert(tenantDomains)
    .values({ tenantId: tenant.id, hostname: `help.${tenant.slug}.example`, verificationToken: "tok" });
  await db.insert(tenantUsage).values({ tenantId: tenant.id, month: "2026-11", metric: "ai_calls", value: 3 });
  return { agent, contact };
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

async function query<T>(t: TestApp, q: SQL): Promise<T[]> {
  return rowsOf<T>(await t.database.db.execute(q));
}

/** Rows of workspace `tenantId` in every tenant-owned table (derived from the schema), by table. */
export async function countTenantRows(t: TestApp, tenantId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of TENANT_TABLES) {
    const [row] = await query<{ n: number }>(
      t,
      sql`SELECT count(*)::int AS n FROM ${sql.identifier(name)} WHERE tenant_id = ${tenantId}`,
    );
    counts[name] = Number(row!.n);
  }
  const [tenant] = await query<{ n: number }>(t, sql`SELECT count(*)::int AS n FROM tenants WHERE id = ${tenantId}`);
  counts.tenants = Number(tenant!.n);
  return counts;
}

/** An md5 of workspace `tenantId`'s rows in each tenant-owned table (and its tenants row), byte for byte. */
export async function fingerprintTenant(t: TestApp, tenantId: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { name } of TENANT_TABLES) {
    const [row] = await query<{ h: string; n: number }>(
      t,
      sql`SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS h, count(*)::int AS n FROM ${sql.identifier(name)} r WHERE r.tenant_id = ${tenantId}`,
    );
    out[name] = `${row!.n}:${row!.h}`;
  }
  const [tenant] = await query<{ h: string }>(t, sql`SELECT md5(r::text) AS h FROM tenants r WHERE r.id = ${tenantId}`);
  out.tenants = tenant?.h ?? "none";
  return out;
}
