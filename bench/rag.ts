import { benchApp } from "./app.ts";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { embedText, LOCAL_EMBEDDING_MODEL } from "@helperiq/core/ai/local/index";
import { issueApiKey } from "@helperiq/core/auth/api-key";
import type { Db } from "@helperiq/core/port/index";
import { ragDocuments, ragSources } from "@helperiq/core/rag/index";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { sql } from "drizzle-orm";
import { createDatabase, startPostgres } from "../tests/support/postgres-server.ts";

const WORDS_PER_CHUNK = 60;
const QUERIES = 200;

/**
 * Issue 7's measurement: 100k knowledge chunks (one workspace with 90%, 50 small workspaces sharing the
 * rest) with local-embedder vectors in pgvector on the PostgreSQL server, the HNSW cosine index built
 * after the load; p50/p99 of `POST /api/v1/rag/search` through the whole HTTP stack (in process) for the
 * big workspace and for a small one (where the tenant filter discards most ANN candidates and iterative
 * scans carry the query), plus recall@5 of the index against an exact scan. BENCH_RAG_CHUNKS scales it.
 */
export async function benchRag(log: (line: string) => void = console.log) {
  const total = Number(process.env.BENCH_RAG_CHUNKS ?? 100_000);
  const smallTenants = 50;
  const perSmall = Math.floor((total * 0.1) / smallTenants);
  const bigChunks = total - perSmall * smallTenants;
  const server = await startPostgres();
  const database = openNodePostgres(await createDatabase(server.url, "bench_rag"), { max: 10 });
  try {
    await database.migrate();
    const db = database.db;
    const words = vocabulary(5000);
    const rand = mulberry32(7);
    // Zipf-like: a few words are everywhere, most are rare, as in real help-center text.
    const pick = () => words[Math.floor(words.length * rand() ** 2.2)]!;
    // "topics" (default): each chunk is about one of 500 topics — half its words from the topic's own 40,
    // half from the shared Zipf vocabulary — like articles of a help center. "random": every word from the
    // shared vocabulary, no structure at all (the ANN index's worst case).
    const corpus = process.env.BENCH_RAG_CORPUS === "random" ? "random" : "topics";
    const topics = Array.from({ length: 500 }, () =>
      Array.from({ length: 40 }, () => words[Math.floor(rand() * words.length)]!),
    );
    const chunkText = () => {
      const topic = topics[Math.floor(rand() * topics.length)]!;
      const text = Array.from({ length: WORDS_PER_CHUNK }, (_, i) =>
        corpus === "topics" && i % 2 === 0 ? topic[Math.floor(rand() * topic.length)]! : pick(),
      ).join(" ");
      return `${text}.`;
    };

    const big = await seedTenant(db, "big", bigChunks, chunkText, log);
    const smalls: { tenantId: number; apiKey: string; host: string; samples: string[] }[] = [];
    for (let i = 0; i < smallTenants; i++)
      smalls.push(await seedTenant(db, `small${i}`, perSmall, chunkText, () => {}));
    log(`seeded ${total} chunks; building the HNSW index…`);
    const built = performance.now();
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw("SET LOCAL maintenance_work_mem = '1GB'"));
      await tx.execute(
        sql.raw("CREATE INDEX rag_documents_embedding_idx ON rag_documents USING hnsw (embedding vector_cosine_ops)"),
      );
    });
    await db.execute(sql.raw("ANALYZE rag_documents"));
    const indexSeconds = Number(((performance.now() - built) / 1000).toFixed(1));
    log(`index built in ${indexSeconds} s`);

    const app = benchApp(database);
    const searchAs = async (t: { host: string; apiKey: string }, query: string) => {
      const res = await app.request(`http://${t.host}/api/v1/rag/search`, {
        method: "POST",
        headers: { host: t.host, authorization: `Bearer ${t.apiKey}`, "content-type": "application/json" },
        // Threshold -1: every nearest chunk counts (sign hashing makes unrelated chunks score slightly below 0).
        body: JSON.stringify({ query, limit: 5, threshold: -1 }),
      });
      const body = (await res.json()) as { data: { id: number }[] };
      if (res.status !== 200) throw new Error(`search answered ${res.status}: ${JSON.stringify(body)}`);
      return body.data;
    };
    // A query is 6 words of a stored chunk: its own chunk should come first.
    const queryOf = (sample: string, i: number) =>
      sample
        .split(" ")
        .slice(i % 40, (i % 40) + 6)
        .join(" ");

    const results: Record<string, unknown> = {};
    for (const [name, tenant] of [
      ["search_big_workspace", big],
      ["search_small_workspace", null],
    ] as const) {
      const at = (i: number) => tenant ?? smalls[i % smalls.length]!;
      for (let i = 0; i < 10; i++) await searchAs(at(i), queryOf(at(i).samples[i % at(i).samples.length]!, i));
      const times: number[] = [];
      let empty = 0;
      for (let i = 0; i < QUERIES; i++) {
        const t = at(i);
        const q = queryOf(t.samples[i % t.samples.length]!, i);
        const s = performance.now();
        const hits = await searchAs(t, q);
        times.push(performance.now() - s);
        if (hits.length < 5) empty++;
      }
      times.sort((a, b) => a - b);
      const pct = (p: number) =>
        Number(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(2));
      results[name] = { requests: times.length, p50_ms: pct(50), p99_ms: pct(99), fewer_than_5_hits: empty };
      log(`${name}: p50 ${pct(50)} ms, p99 ${pct(99)} ms (${empty} queries with fewer than 5 hits)`);
    }
    results.recall_at_5_big_workspace = await recall(db, big, queryOf, searchAs);
    log(`recall@5 (HNSW vs exact, big workspace): ${JSON.stringify(results.recall_at_5_big_workspace)}`);
    results.ef_search_sweep = await efSweep(db, big, queryOf);
    log(`ef_search sweep: ${JSON.stringify(results.ef_search_sweep)}`);
    const plan = await db.execute(
      sql.raw(
        `EXPLAIN SELECT id FROM rag_documents WHERE tenant_id = ${big.tenantId} ORDER BY embedding <=> '[${embedText("refund").join(",")}]'::vector LIMIT 5`,
      ),
    );
    const planText = (plan as unknown as { rows: { "QUERY PLAN": string }[] }).rows
      .map((r) => r["QUERY PLAN"].replace(/'\[[^\]]*\]'/g, "'[…]'"))
      .join(" | ");
    return {
      scale: {
        corpus,
        chunks: total,
        big_workspace_chunks: bigChunks,
        small_workspaces: smallTenants,
        chunks_per_small_workspace: perSmall,
        dimensions: 1536,
        embedder: LOCAL_EMBEDDING_MODEL,
      },
      index: {
        type: "hnsw vector_cosine_ops",
        build_seconds: indexSeconds,
        search: "hnsw.iterative_scan = strict_order, ef_search 200",
      },
      plan_big_workspace: planText,
      ...results,
    };
  } finally {
    await database.close();
    await server.stop();
  }
}

async function seedTenant(db: Db, slug: string, chunks: number, text: () => string, log: (line: string) => void) {
  const p = await provisionTenant(db, {
    slug: `${slug}-rag`,
    name: `Bench ${slug}`,
    admin: { email: `admin@${slug}.bench.test`, firstName: "Bench", lastName: "Admin", password: "bench password 123" },
  });
  const key = await issueApiKey(db, { tenantId: p.tenantId, userId: p.adminId, kind: "admin", now: new Date() });
  const [source] = await db
    .insert(ragSources)
    .values({ tenantId: p.tenantId, name: "Help center", sourceType: "custom", config: { snippets: ["x"] } })
    .returning();
  // The index is built after the load (faster than growing it row by row).
  await db.execute(sql.raw("DROP INDEX IF EXISTS rag_documents_embedding_idx"));
  const samples: string[] = [];
  const BATCH = 250;
  for (let done = 0; done < chunks; done += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, chunks - done) }, (_, j) => {
      const content = text();
      if (samples.length < 200 && (done + j) % 7 === 0) samples.push(content);
      return {
        tenantId: p.tenantId,
        sourceId: source!.id,
        documentKey: `snippet:${done + j}`,
        title: `Article ${done + j}`,
        content,
        contentHash: `${done + j}`,
        chunkIndex: 0,
        embedding: embedText(`Article ${done + j}\n\n${content}`),
        embeddingModel: LOCAL_EMBEDDING_MODEL,
        kind: "context" as const,
      };
    });
    await db.insert(ragDocuments).values(rows);
    if ((done / BATCH) % 40 === 0) log(`  ${slug}: ${done + rows.length}/${chunks}`);
  }
  await db.update(ragSources).set({ documentCount: chunks }).where(sql`id = ${source!.id}`);
  return { tenantId: p.tenantId, apiKey: key.key, host: `${slug}-rag.bench.test`, samples };
}

/**
 * Index quality against ef_search, in SQL (the API uses 200): recall@5 against the exact top 5, and how
 * often the chunk a query was cut from comes back in the top 5 ("self hit"), with the mean query time.
 */
async function efSweep(
  db: Db,
  big: { tenantId: number; samples: string[] },
  queryOf: (sample: string, i: number) => string,
) {
  const out: Record<string, { recall_at_5: number; self_hit_at_5: number; mean_ms: number }> = {};
  const queries = Array.from({ length: 40 }, (_, i) => ({ sample: big.samples[i]!, q: queryOf(big.samples[i]!, i) }));
  const top5 = async (vector: string, indexed: boolean, ef: number) =>
    db.transaction(async (tx) => {
      await tx.execute(
        sql.raw(indexed ? "SET LOCAL hnsw.iterative_scan = strict_order" : "SET LOCAL enable_indexscan = off"),
      );
      if (indexed) await tx.execute(sql.raw(`SET LOCAL hnsw.ef_search = ${ef}`));
      const res = await tx.execute(
        sql.raw(
          `SELECT id, content FROM rag_documents WHERE tenant_id = ${big.tenantId} ORDER BY embedding <=> '${vector}'::vector LIMIT 5`,
        ),
      );
      return (res as unknown as { rows: { id: number; content: string }[] }).rows;
    });
  const exact = new Map<number, number[]>();
  for (const [i, { q }] of queries.entries())
    exact.set(
      i,
      (await top5(`[${embedText(q).join(",")}]`, false, 0)).map((r) => r.id),
    );
  for (const ef of [40, 100, 200, 400]) {
    let found = 0;
    let self = 0;
    let ms = 0;
    for (const [i, { sample, q }] of queries.entries()) {
      const vector = `[${embedText(q).join(",")}]`;
      const s = performance.now();
      const rows = await top5(vector, true, ef);
      ms += performance.now() - s;
      const ids = new Set(rows.map((r) => r.id));
      found += exact.get(i)!.filter((id) => ids.has(id)).length;
      if (rows.some((r) => r.content === sample)) self++;
    }
    out[`ef_${ef}`] = {
      recall_at_5: Number((found / (queries.length * 5)).toFixed(3)),
      self_hit_at_5: Number((self / queries.length).toFixed(3)),
      mean_ms: Number((ms / queries.length).toFixed(2)),
    };
  }
  return out;
}

/** Share of the exact top 5 (sequential scan) that the index-backed search returns, over 20 queries. */
async function recall(
  db: Db,
  big: { tenantId: number; host: string; apiKey: string; samples: string[] },
  queryOf: (sample: string, i: number) => string,
  searchAs: (t: { host: string; apiKey: string }, q: string) => Promise<{ id: number }[]>,
) {
  let found = 0;
  let wanted = 0;
  for (let i = 0; i < 20; i++) {
    const q = queryOf(big.samples[i]!, i);
    const got = new Set((await searchAs(big, q)).map((h) => h.id));
    const exact = await db.transaction(async (tx) => {
      await tx.execute(sql.raw("SET LOCAL enable_indexscan = off"));
      return tx.execute(
        sql.raw(
          `SELECT id FROM rag_documents WHERE tenant_id = ${big.tenantId} ORDER BY embedding <=> '[${embedText(q).join(",")}]'::vector LIMIT 5`,
        ),
      );
    });
    for (const row of (exact as unknown as { rows: { id: number }[] }).rows) {
      wanted++;
      if (got.has(row.id)) found++;
    }
  }
  return Number((found / wanted).toFixed(3));
}

/** Pronounceable made-up words, deterministic. */
function vocabulary(n: number): string[] {
  const rand = mulberry32(42);
  const c = "bcdfghklmnprstvz";
  const v = "aeiou";
  const out = new Set<string>();
  while (out.size < n) {
    const len = 2 + Math.floor(rand() * 3);
    let w = "";
    for (let i = 0; i < len; i++) w += c[Math.floor(rand() * c.length)]! + v[Math.floor(rand() * v.length)]!;
    out.add(w);
  }
  return [...out];
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
