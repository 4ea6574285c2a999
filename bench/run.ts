import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { measureColdStart } from "./cold-start.ts";
import { benchConversations } from "./conversations.ts";

/** `npm run bench`: runs every benchmark and writes its JSON under bench/results/. BENCH=name runs one. */
const out = path.resolve("bench/results");
mkdirSync(out, { recursive: true });
const only = process.env.BENCH;
const write = (name: string, result: object) => {
  const body = { measured_at: new Date().toISOString(), node: process.version, ...result };
  writeFileSync(path.join(out, `${name}.json`), JSON.stringify(body, null, 2) + "\n");
  console.log(`${name}:`, JSON.stringify(body));
};

if (!only || only === "cold-start") write("cold-start", await measureColdStart());
if (!only || only === "conversations") write("conversations", await benchConversations());
