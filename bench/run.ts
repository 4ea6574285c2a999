import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { measureColdStart } from "./cold-start.ts";
import { benchConversations } from "./conversations.ts";
import { benchIngest } from "./ingest.ts";
import { benchDeliver } from "./deliver.ts";
import { benchRealtime } from "./realtime.ts";
import { benchRag } from "./rag.ts";
import { benchWeb } from "./web.ts";
import { benchWorkspaceLifecycle } from "./workspace-lifecycle.ts";

/** `npm run bench`: runs every benchmark and writes its JSON under bench/results/. BENCH=name runs one. */
const out = path.resolve("bench/results");
mkdirSync(out, { recursive: true });
const only = process.env.BENCH;
const write = (name: string, result: object) => {
  const body = { measured_at: new Date().toISOString(), node: process.version, ...result };
  writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(body, null, 2)}\n`);
  console.log(`${name}:`, JSON.stringify(body));
};

if (!only || only === "cold-start") write("cold-start", await measureColdStart());
if (!only || only === "conversations") write("conversations", await benchConversations());
if (!only || only === "ingest") write("ingest", await benchIngest());
if (!only || only === "deliver") write("deliver", await benchDeliver());
// Issue 6: 1,000 WebSockets on two processes, 100 messages/s for 30 s.
if (!only || only === "realtime") write("realtime", await benchRealtime());
// Issue 7: /rag/search over 100k chunks with the HNSW index.
if (!only || only === "rag") write("rag", await benchRag());
// Issue 14: the web app's initial JavaScript, sign-in → inbox and click → conversation in Chromium.
if (!only || only === "web") write("web", await benchWeb());
// Issue 16: export and purge of a workspace of 10k conversations / 100k messages on PostgreSQL.
if (!only || only === "workspace-lifecycle") write("workspace-lifecycle", await benchWorkspaceLifecycle());
