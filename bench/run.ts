import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { measureColdStart } from "./cold-start.ts";

/** `npm run bench`: runs every benchmark and writes its JSON under bench/results/. */
const out = path.resolve("bench/results");
mkdirSync(out, { recursive: true });

const cold = await measureColdStart();
const result = { measured_at: new Date().toISOString(), node: process.version, ...cold };
writeFileSync(path.join(out, "cold-start.json"), JSON.stringify(result, null, 2) + "\n");
console.log("embedded cold start (process start → /health 200):", result);
