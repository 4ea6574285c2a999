import { issueApiKey } from "@helperiq/core/auth/api-key";
import type { Db } from "@helperiq/core/port/index";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { sql } from "drizzle-orm";

/** Words the seeded messages are made of; "refund" and friends make realistic search hits. */
const WORDS = [
  "order",
  "refund",
  "shipping",
  "invoice",
  "password",
  "login",
  "delivery",
  "broken",
  "replacement",
  "account",
  "billing",
  "subscription",
  "cancel",
  "upgrade",
  "discount",
  "coupon",
  "tracking",
  "package",
  "warranty",
  "return",
  "hello",
  "thanks",
  "please",
  "help",
  "urgent",
  "still",
  "waiting",
  "problem",
  "error",
  "payment",
];

export type SeedScale = { conversations: number; messagesPerConversation: number; otherTenants: number };

/**
 * One big workspace (conversations × messages, tags, contacts, agents) and many small ones, written with
 * set-based SQL so a million messages take minutes, not hours. Returns the big workspace and an admin key.
 * Another `slug` seeds a second big workspace like the first (with `otherTenants: 0`: the small ones exist once).
 */
export async function seedConversations(db: Db, scale: SeedScale, log: (line: string) => void, slug = "big") {
  const big = await provisionTenant(db, {
    slug,
    name: slug[0]!.toUpperCase() + slug.slice(1),
    admin: { email: "admin@big.example", firstName: "Ada", lastName: "Admin", password: "bench password 1" },
  });
  const key = await issueApiKey(db, { tenantId: big.tenantId, userId: big.adminId, kind: "admin", now: new Date() });
  const t = big.tenantId;
  const words = sql.raw(`ARRAY[${WORDS.map((w) => `'${w}'`).join(",")}]`);
  const word = sql`(${words})[1 + floor(random() * ${sql.raw(String(WORDS.length))})::int]`;
  const started = Date.now();
  // One statement per query: the extended protocol (bound parameters) takes no multi-statement strings.
  const step = async (label: string, ...queries: ReturnType<typeof sql>[]) => {
    const s = Date.now();
    for (const query of queries) await db.execute(query);
    log(`  ${label} (${((Date.now() - s) / 1000).toFixed(1)} s)`);
  };
  await step(
    "inboxes, tags, agents",
    sql`
    INSERT INTO inboxes (tenant_id, name, channel, "from") VALUES (${t}, 'Support', 'email', 'support@big.example'), (${t}, 'Chat', 'livechat', '')`,
    sql`
    INSERT INTO tags (tenant_id, name) SELECT ${t}, 'tag-' || g FROM generate_series(1, 20) g`,
    sql`
    INSERT INTO users (tenant_id, type, email, first_name) SELECT ${t}, 'agent', 'agent' || g || '@big.example', 'Agent ' || g FROM generate_series(1, 50) g`,
  );
  await step(
    "contacts",
    sql`
    INSERT INTO users (tenant_id, type, email, first_name, last_name)
    SELECT ${t}, 'contact', 'customer' || g || '@example.org', 'Customer', 'No ' || g FROM generate_series(1, ${Math.max(1, scale.conversations / 5)}) g`,
  );
  await step(
    `${scale.conversations} conversations`,
    sql`
    WITH s AS (SELECT array_agg(id ORDER BY id) ids FROM statuses WHERE tenant_id = ${t}),
         i AS (SELECT array_agg(id) ids FROM inboxes WHERE tenant_id = ${t}),
         a AS (SELECT array_agg(id) ids FROM users WHERE tenant_id = ${t} AND type = 'agent'),
         c AS (SELECT array_agg(id) ids, count(*) n FROM users WHERE tenant_id = ${t} AND type = 'contact')
    INSERT INTO conversations (tenant_id, reference_number, inbox_id, contact_id, status_id, priority_id, assigned_user_id,
      subject, last_message, last_message_at, created_at, waiting_since)
    SELECT ${t}, g, i.ids[1 + g % 2], c.ids[1 + g % c.n], s.ids[1 + (g % 10) % 4],
      CASE WHEN g % 3 = 0 THEN 1 + g % 4 END, CASE WHEN g % 2 = 0 THEN a.ids[1 + g % 50] END,
      ${word} || ' ' || ${word} || ' #' || g, 'preview', now() - (g || ' minutes')::interval,
      now() - (g || ' minutes')::interval - interval '1 day', CASE WHEN g % 4 = 0 THEN now() - (g || ' minutes')::interval END
    FROM generate_series(1, ${scale.conversations}) g, s, i, a, c`,
    sql`
    INSERT INTO tenant_counters (tenant_id, name, value) VALUES (${t}, 'conversation_reference', ${scale.conversations})`,
  );
  await step(
    "conversation tags",
    sql`
    INSERT INTO conversation_tags (tenant_id, conversation_id, tag_id)
    SELECT ${t}, c.id, tg.ids[1 + (c.id % 20)::int] FROM conversations c, (SELECT array_agg(id ORDER BY id) ids FROM tags WHERE tenant_id = ${t}) tg
    WHERE c.tenant_id = ${t}`,
  );
  await step(
    `${scale.conversations * scale.messagesPerConversation} messages`,
    sql`
    INSERT INTO messages (tenant_id, conversation_id, type, status, sender_type, content, text_content, created_at)
    SELECT ${t}, c.id, CASE WHEN m % 2 = 0 THEN 'incoming' ELSE 'outgoing' END, CASE WHEN m % 2 = 0 THEN 'received' ELSE 'sent' END,
      CASE WHEN m % 2 = 0 THEN 'contact' ELSE 'agent' END, '<p>' || txt || '</p>', txt, c.created_at + (m || ' minutes')::interval
    FROM conversations c, generate_series(1, ${scale.messagesPerConversation}) m,
      LATERAL (SELECT ${word} || ' ' || ${word} || ' ' || ${word} || ' ' || ${word} || ' ' || ${word} || ' ' || ${word} || ' ' || c.id AS txt) w
    WHERE c.tenant_id = ${t}`,
  );
  for (let n = 1; n <= scale.otherTenants; n++) {
    const small = await provisionTenant(db, {
      slug: `small${n}`,
      name: `Small ${n}`,
      admin: { email: "admin@big.example", firstName: "Sam", lastName: "Small", password: "bench password 1" },
    });
    await db.execute(
      sql`INSERT INTO inboxes (tenant_id, name, channel) VALUES (${small.tenantId}, 'Support', 'email')`,
    );
    await db.execute(
      sql`INSERT INTO users (tenant_id, type, email, first_name) SELECT ${small.tenantId}, 'contact', 'c' || g || '@small.example', 'C' FROM generate_series(1, 20) g`,
    );
    await db.execute(sql`INSERT INTO conversations (tenant_id, reference_number, inbox_id, contact_id, status_id, subject, last_message_at)
      SELECT ${small.tenantId}, g, (SELECT id FROM inboxes WHERE tenant_id = ${small.tenantId}),
        (SELECT id FROM users WHERE tenant_id = ${small.tenantId} AND type = 'contact' ORDER BY id LIMIT 1),
        (SELECT id FROM statuses WHERE tenant_id = ${small.tenantId} AND name = 'Open'), 'refund order ' || g, now()
      FROM generate_series(1, 100) g`);
    await db.execute(sql`INSERT INTO messages (tenant_id, conversation_id, type, status, sender_type, text_content)
      SELECT ${small.tenantId}, c.id, 'incoming', 'received', 'contact', 'refund order please ' || c.id
      FROM conversations c, generate_series(1, 10) m WHERE c.tenant_id = ${small.tenantId}`);
  }
  log(`  ${scale.otherTenants} small workspaces`);
  await step(
    "ANALYZE",
    sql`
    ANALYZE`,
  );
  log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { tenantId: t, apiKey: key.key };
}
