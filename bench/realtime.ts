import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { issueApiKey } from "@helperiq/core/auth/api-key";
import { nextReferenceNumber } from "@helperiq/core/conversation/reference";
import { conversations, inboxes, roles, statuses, userRoles, users } from "@helperiq/core/schema";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { and, eq } from "drizzle-orm";
import WebSocket from "ws";
import { createDatabase, startPostgres } from "../tests/support/postgres-server.ts";
import { freePort } from "../tests/support/free-port.ts";

const DOMAIN = "bench.test";
const HOST = `rt.${DOMAIN}`;

/**
 * Issue 6's load test: two embedded server processes (`npm start`'s entry, each its own Node process) on one
 * PostgreSQL server, 1,000 agent WebSockets spread over both (500 agents × one tab on each process, each
 * subscribed to one of 50 conversations), 100 new messages per second for 30 s written alternately through
 * either process. Measures, per delivered `new_message`, the time from just before the POST to the frame's
 * arrival, and counts every expected (message, connection) pair that never arrived.
 * BENCH_REALTIME_SECONDS / BENCH_REALTIME_RATE / BENCH_REALTIME_AGENTS scale it.
 */
export async function benchRealtime(log: (line: string) => void = console.log) {
  const seconds = Number(process.env.BENCH_REALTIME_SECONDS ?? 30);
  const rate = Number(process.env.BENCH_REALTIME_RATE ?? 100);
  const agents = Number(process.env.BENCH_REALTIME_AGENTS ?? 500);
  const conversationCount = 50;
  const pg = await startPostgres();
  const url = await createDatabase(pg.url, "bench_realtime");
  const setup = openNodePostgres(url, { max: 4 });
  const children: ChildProcess[] = [];
  const dataDirs: string[] = [];
  const sockets: WebSocket[] = [];
  try {
    await setup.migrate();
    log(`seeding 1 workspace, ${agents} agents, ${conversationCount} conversations…`);
    const seed = await seedWorkspace(setup.db, agents, conversationCount);

    const ports = await Promise.all([freePort(), freePort()]);
    for (const port of ports) {
      const dataDir = mkdtempSync(path.join(tmpdir(), "hq-bench-rt-"));
      dataDirs.push(dataDir);
      children.push(
        spawn(
          process.execPath,
          [
            ...(process.env.BENCH_REALTIME_PROFILE
              ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_REALTIME_PROFILE}`]
              : []),
            "--import",
            "tsx",
            "packages/server/src/main.ts",
          ],
          {
            env: {
              ...process.env,
              PORT: String(port),
              DATA_DIR: dataDir,
              DATABASE_URL: url,
              BASE_DOMAIN: DOMAIN,
              ADMIN_PASSWORD: "bench admin password",
            },
            stdio: ["ignore", "ignore", "inherit"],
          },
        ),
      );
    }
    await Promise.all(ports.map((port) => waitHealthy(port)));
    log(`2 server processes up on ${ports.join(", ")}; opening ${agents * 2} WebSockets…`);

    // seq → send time; per connection, the seqs it received.
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    const sinceWrite: number[] = [];
    let duplicates = 0;
    const expectedBySeq = (seq: number) => seed.subscribersPerConversation[seq % conversationCount]!;
    const received = new Map<number, Set<number>>(); // seq → connection indexes
    let connectionIndex = 0;
    for (let i = 0; i < agents; i++) {
      for (const port of ports) {
        const index = connectionIndex++;
        const ws = await openSocket(port, seed.agentKeys[i]!);
        sockets.push(ws);
        ws.on("message", (data) => {
          const text = data.toString();
          if (!text.startsWith('{"type":"new_message"')) return;
          const at = performance.now();
          const match = /"text_content":"m-(\d+)"/.exec(text);
          if (!match) return;
          const seq = Number(match[1]);
          const seen = received.get(seq) ?? new Set<number>();
          if (seen.has(index)) duplicates++;
          seen.add(index);
          received.set(seq, seen);
          latencies.push(at - sentAt.get(seq)!);
          // From the message's created_at (the server's clock, same machine): the push path alone, without
          // the HTTP queueing a saturated writer adds before the request is even handled.
          const created = /"created_at":"([^"]+)"/.exec(text);
          if (created) sinceWrite.push(Date.now() - Date.parse(created[1]!));
        });
        const uuid = seed.conversationUuids[i % conversationCount]!;
        await subscribe(ws, uuid);
      }
    }
    log(`${sockets.length} connections subscribed; sending ${rate}/s for ${seconds} s…`);

    const total = rate * seconds;
    let postErrors = 0;
    const errorKinds = new Map<string, number>();
    const written = new Set<number>();
    const failed = (kind: string) => {
      postErrors++;
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    };
    let inFlight = 0;
    let maxInFlight = 0;
    const posts: Promise<void>[] = [];
    const start = performance.now();
    for (let seq = 0; seq < total; seq++) {
      const due = start + (seq * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const port = ports[seq % 2]!;
      const uuid = seed.conversationUuids[seq % conversationCount]!;
      sentAt.set(seq, performance.now());
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      posts.push(
        post(port, `/api/v1/conversations/${uuid}/messages`, seed.adminKey, {
          message: `<p>m-${seq}</p>`,
          private: true,
        })
          .then((status) => (status === 201 ? void written.add(seq) : failed(`HTTP ${status}`)))
          .catch((err: Error) => failed(err.message))
          .finally(() => void inFlight--),
      );
    }
    await Promise.all(posts);
    const sendSeconds = (performance.now() - start) / 1000;
    // Stragglers: wait until everything expected arrived, at most 30 s.
    // Only messages that were written are expected anywhere.
    const expected = [...written].map(expectedBySeq).reduce((a, b) => a + b, 0);
    const delivered = () => [...received.values()].reduce((n, s) => n + s.size, 0);
    const drainDeadline = performance.now() + 30_000;
    while (delivered() < expected && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 100));
    latencies.sort((a, b) => a - b);
    sinceWrite.sort((a, b) => a - b);
    const pctOf = (list: number[], p: number) =>
      round(list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))] ?? NaN);
    const pct = (p: number) => pctOf(latencies, p);
    return {
      processes: 2,
      connections: sockets.length,
      conversations: conversationCount,
      subscribers_per_conversation: seed.subscribersPerConversation[0],
      messages: total,
      target_rate_per_s: rate,
      achieved_rate_per_s: round(total / sendSeconds),
      max_posts_in_flight: maxInFlight,
      post_errors: postErrors,
      post_error_kinds: Object.fromEntries(errorKinds),
      deliveries_expected: expected,
      deliveries: delivered(),
      lost_events: expected - delivered(),
      duplicates,
      latency_ms: { p50: pct(50), p99: pct(99), max: round(latencies.at(-1) ?? NaN) },
      latency_from_write_ms: {
        p50: pctOf(sinceWrite, 50),
        p99: pctOf(sinceWrite, 99),
        max: round(sinceWrite.at(-1) ?? NaN),
      },
      load_average_1m: Number(loadavg()[0]!.toFixed(2)),
      notes:
        "latency_ms: from just before the POST to the new_message frame (includes queueing of the POST and the write itself); latency_from_write_ms: from the message's created_at to the frame; each message reaches 10 connections on each process",
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await Promise.all(
      children.map((child) => {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        return exited;
      }),
    );
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    await setup.close();
    await pg.stop();
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

async function seedWorkspace(db: ReturnType<typeof openNodePostgres>["db"], agents: number, conversationCount: number) {
  const p = await provisionTenant(db, {
    slug: "rt",
    name: "Realtime bench",
    admin: { email: "admin@rt.example", firstName: "Ada", lastName: "Admin", password: "bench admin password" },
  });
  const now = new Date();
  const adminKey = (await issueApiKey(db, { tenantId: p.tenantId, userId: p.adminId, kind: "admin", now })).key;
  // Agents see unassigned conversations through the visibility rule (not read_all), as a support team would.
  const [role] = await db
    .insert(roles)
    .values({
      tenantId: p.tenantId,
      name: "Bench agent",
      permissions: [
        "conversations:read",
        "conversations:read_unassigned",
        "conversations:read_assigned",
        "messages:read",
      ],
    })
    .returning({ id: roles.id });
  const rows = await db
    .insert(users)
    .values(
      Array.from({ length: agents }, (_, i) => ({
        tenantId: p.tenantId,
        type: "agent" as const,
        email: `agent${i}@rt.example`,
        firstName: `Agent${i}`,
        lastName: "",
      })),
    )
    .returning({ id: users.id });
  await db.insert(userRoles).values(rows.map((r) => ({ tenantId: p.tenantId, userId: r.id, roleId: role!.id })));
  const agentKeys: string[] = [];
  for (const r of rows)
    agentKeys.push((await issueApiKey(db, { tenantId: p.tenantId, userId: r.id, kind: "admin", now })).key);
  const [inbox] = await db
    .insert(inboxes)
    .values({ tenantId: p.tenantId, name: "Bench", channel: "email", from: "bench@rt.example" })
    .returning();
  const [contact] = await db
    .insert(users)
    .values({
      tenantId: p.tenantId,
      type: "contact",
      email: "customer@rt.example",
      firstName: "Cus",
      lastName: "Tomer",
    })
    .returning();
  const [open] = await db
    .select({ id: statuses.id })
    .from(statuses)
    .where(and(eq(statuses.tenantId, p.tenantId), eq(statuses.name, "Open")));
  const conversationUuids: string[] = [];
  for (let i = 0; i < conversationCount; i++) {
    const [c] = await db
      .insert(conversations)
      .values({
        tenantId: p.tenantId,
        referenceNumber: await nextReferenceNumber(db, p.tenantId),
        inboxId: inbox!.id,
        contactId: contact!.id,
        statusId: open!.id,
        subject: `Bench ${i}`,
      })
      .returning({ uuid: conversations.uuid });
    conversationUuids.push(c!.uuid);
  }
  // Agent i subscribes both of its connections to conversation i % count.
  const subscribersPerConversation = conversationUuids.map(
    (_, c) => 2 * Array.from({ length: agents }, (_, i) => i).filter((i) => i % conversationCount === c).length,
  );
  return { adminKey, agentKeys, conversationUuids, subscribersPerConversation };
}

function openSocket(port: number, key: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { host: HOST, authorization: `Bearer ${key}` } });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

function subscribe(ws: WebSocket, uuid: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("subscribe timed out")), 10_000);
    const onMessage = (data: WebSocket.RawData) => {
      if (!data.toString().startsWith('{"type":"conversation_subscribed"')) return;
      clearTimeout(timer);
      ws.off("message", onMessage);
      resolve();
    };
    ws.on("message", onMessage);
    ws.send(JSON.stringify({ type: "conversation_subscribe", data: { conversation_uuid: uuid } }));
  });
}

function post(port: number, pathName: string, key: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: pathName,
        agent: keepAlive,
        headers: {
          host: HOST,
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

async function waitHealthy(port: number) {
  const deadline = performance.now() + 90_000;
  while (performance.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not become healthy within 90 s`);
}
