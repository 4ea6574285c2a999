import { benchApp } from "./app.ts";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { conversations } from "@helperiq/core/schema";
import { eq, sql } from "drizzle-orm";
import { createDatabase, startPostgres } from "../tests/support/postgres-server.ts";
import { seedConversations, type SeedScale } from "./seed-conversations.ts";

const HOST = "big.bench.test";

/**
 * Issue 4's measurement: one workspace with 100k conversations and 1M messages (plus 50 small ones) on
 * the PostgreSQL server; p50/p99 of the hot read paths through the whole HTTP stack (in process, so the
 * figures are the server's, without a network). BENCH_CONVERSATIONS scales it down for a quick look.
 */
export async function benchConversations(log: (line: string) => void = console.log) {
  const size = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
  const scale: SeedScale = { conversations: size, messagesPerConversation: 10, otherTenants: 50 };
  const server = await startPostgres();
  const database = openNodePostgres(await createDatabase(server.url, "bench"), { max: 10 });
  try {
    await database.migrate();
    log(`seeding ${size} conversations × ${scale.messagesPerConversation} messages…`);
    const { apiKey, tenantId } = await seedConversations(database.db, scale, log);
    const app = benchApp(database);
    const sample = await database.db
      .select({ uuid: conversations.uuid })
      .from(conversations)
      .where(eq(conversations.tenantId, tenantId))
      .orderBy(sql`random()`)
      .limit(200);
    const uuids = sample.map((r) => r.uuid);
    const get = async (path: string) => {
      const res = await app.request(`http://${HOST}${path}`, {
        headers: { host: HOST, authorization: `Bearer ${apiKey}` },
      });
      await res.arrayBuffer();
      return res.status;
    };
    const filters = encodeURIComponent(JSON.stringify([{ field: "tags", operator: "contains", value: "tag-3" }]));
    const scenarios: Record<string, (i: number) => string> = {
      list_all_open_tagged: () => `/api/v1/conversations/all?statuses=Open&filters=${filters}`,
      conversation_get: (i) => `/api/v1/conversations/${uuids[i % uuids.length]}`,
      messages_list: (i) => `/api/v1/conversations/${uuids[i % uuids.length]}/messages`,
      // Common words (each in a large share of the messages) and rare ones (a conversation id in its text).
      unified_search: (i) =>
        `/api/v1/search?q=${["refund", "shipping invoice", "warranty", "tracking package"][i % 4]}`,
      unified_search_rare: (i) => `/api/v1/search?q=${size - 1 - ((i * 7919) % Math.max(1, Math.floor(size / 2)))}`,
    };
    const results: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(scenarios)) {
      const first = await get(path(0));
      if (first !== 200) {
        results[name] = { skipped: `answered ${first}` };
        log(`${name}: skipped (answered ${first})`);
        continue;
      }
      for (let i = 0; i < 10; i++) await get(path(i)); // warm-up
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const s = performance.now();
        await get(path(i));
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      const pct = (p: number) =>
        Number(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(2));
      results[name] = { requests: times.length, p50_ms: pct(50), p99_ms: pct(99) };
      log(`${name}: p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
    }
    return { scale, ...results };
  } finally {
    await database.close();
    await server.stop();
  }
}
