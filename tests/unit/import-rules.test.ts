import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The house's import rules. What packages/core and packages/web may import is the linter's job (biome.jsonc,
 * `noRestrictedImports` and `noRestrictedGlobals` overrides, checked by `biome ci` in `npm test`); the first
 * tests prove that configuration still forbids each thing. Folders of packages/core importing each other
 * both ways is beyond a linter: the last tests check it here.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const CORE = path.join(ROOT, "packages/core/src");

/**
 * Folder pairs of packages/core/src that still import each other both ways, being untangled (issue 13).
 * Never add a pair: make the dependency run one way (move the shared piece to the lower folder, or pass a
 * function in). When a pair is gone the test below says so: delete its line.
 */
const TANGLED_PAIRS_BEING_UNTANGLED = [
  "agent<->auth",
  "ai<->rag",
  "auth<->widget",
  "context<->role",
  "conversation<->media",
  "conversation<->notification",
  "conversation<->pci",
  "db<->errors",
  "db<->tenant",
  "inbox<->port",
];

const work = mkdtempSync(path.join(tmpdir(), "import-rules-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Lints `files` (path → source) as if they were at those paths in this repository, with its biome.jsonc. */
function lintAsIfIn(files: Record<string, string>): { file: string; line: number; rule: string }[] {
  const project = mkdtempSync(path.join(work, "project-"));
  cpSync(path.join(ROOT, "biome.jsonc"), path.join(project, "biome.jsonc"));
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    writeFileSync(path.join(project, file), source);
  }
  const biome = path.join(ROOT, "node_modules/.bin/biome");
  const args = ["lint", "--vcs-enabled=false", "--reporter=github", "--max-diagnostics=none", "."];
  let out: string;
  try {
    out = execFileSync(biome, args, { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    out = (error as { stdout: string }).stdout; // exit 1: there were findings
  }
  return [...out.matchAll(/^::\w+ title=([^,]+),file=([^,]+),line=(\d+),/gm)].map((m) => ({
    rule: m[1]!,
    file: path.relative(project, m[2]!),
    line: Number(m[3]),
  }));
}

/** 1-based line numbers of `source` whose text contains the marker comment. */
const markedLines = (source: string, marker: string) =>
  source.split("\n").flatMap((text, i) => (text.includes(marker) ? [i + 1] : []));

const CORE_FORBIDDEN = `
import { Hono } from "hono"; // forbidden
import { zValidator } from "@hono/zod-validator"; // forbidden
import { S3Client } from "@aws-sdk/client-s3"; // forbidden
import { PGlite } from "@electric-sql/pglite"; // forbidden
import { vector } from "@electric-sql/pglite/vector"; // forbidden
import { neon } from "@neondatabase/serverless"; // forbidden
import pg from "pg"; // forbidden
import { drizzle } from "drizzle-orm/node-postgres"; // forbidden
import { WebSocketServer } from "ws"; // forbidden
import http from "node:http"; // forbidden
import https from "node:https"; // forbidden
import { request } from "undici"; // forbidden
import { ImapFlow } from "imapflow"; // forbidden
import nodemailer from "nodemailer"; // forbidden
import { ref } from "vue"; // forbidden
import { openPglite } from "@helperiq/adapters/db/pglite"; // forbidden
export { app } from "@helperiq/api/app"; // forbidden
export const all = [Hono, zValidator, S3Client, PGlite, vector, neon, pg, drizzle, WebSocketServer, http, https];
export const more = [request, ImapFlow, nodemailer, ref, openPglite];
export const lazy = () => import("@aws-sdk/client-sqs"); // forbidden
export const get = (url: string) => fetch(url); // forbidden
`;

const CORE_ALLOWED = `
import { eq } from "drizzle-orm";
import { pgTable } from "drizzle-orm/pg-core";
import { z } from "zod";
import { randomUUID } from "node:crypto";
import type { Outbound } from "../port/outbound.ts";
export const all = [eq, pgTable, z, randomUUID];
export const get = (outbound: Outbound, url: string) => outbound.request(url);
`;

const WEB_FORBIDDEN = `
import { visibleConversationId } from "@helperiq/core/conversation/get"; // forbidden
import { routes } from "@helperiq/api/routes"; // forbidden
import { eq } from "drizzle-orm"; // forbidden
import { pgTable } from "drizzle-orm/pg-core"; // forbidden
import { Hono } from "hono"; // forbidden
import { errors } from "../../../core/src/errors/index.ts"; // forbidden
import { env } from "../../../../packages/api/src/env.ts"; // forbidden
import { blobs } from "../../../adapters/src/blob/fs.ts"; // forbidden
export const all = [visibleConversationId, routes, eq, pgTable, Hono, errors, env, blobs];
`;

const WEB_ALLOWED = `
import { ref } from "vue";
import { useRouter } from "vue-router";
import { call } from "../../api/client.ts";
export const all = [ref, useRouter, call];
`;

const importRuleFindings = (files: Record<string, string>) =>
  lintAsIfIn(files).filter((f) => /noRestricted(Imports|Globals)/.test(f.rule));

describe("the linter enforces the import rules (biome.jsonc)", () => {
  it("packages/core imports no HTTP, AWS, database driver, mail or browser module, and never calls the global fetch", () => {
    const findings = importRuleFindings({
      "packages/core/src/example/forbidden.ts": CORE_FORBIDDEN,
      "packages/core/src/example/allowed.ts": CORE_ALLOWED,
    });
    expect(findings.filter((f) => f.file.endsWith("/allowed.ts"))).toEqual([]);
    const flagged = findings.filter((f) => f.file.endsWith("forbidden.ts")).map((f) => f.line);
    expect([...new Set(flagged)].sort((a, b) => a - b)).toEqual(markedLines(CORE_FORBIDDEN, "// forbidden"));
  });

  it("packages/web imports no server code: workspace packages, drizzle, hono, or core/api/adapters by path", () => {
    const findings = importRuleFindings({
      "packages/web/src/features/example/forbidden.ts": WEB_FORBIDDEN,
      "packages/web/src/features/example/allowed.ts": WEB_ALLOWED,
    });
    expect(findings.filter((f) => f.file.endsWith("/allowed.ts"))).toEqual([]);
    const flagged = findings.filter((f) => f.file.endsWith("forbidden.ts")).map((f) => f.line);
    expect([...new Set(flagged)].sort((a, b) => a - b)).toEqual(markedLines(WEB_FORBIDDEN, "// forbidden"));
  });

  it("the rules are scoped: adapters and the API may import drivers, hono and call fetch", () => {
    const findings = importRuleFindings({
      "packages/adapters/src/example/driver.ts": CORE_FORBIDDEN,
      "packages/api/src/example/server.ts": CORE_FORBIDDEN,
    });
    expect(findings).toEqual([]);
  });

  it("packages/core never reaches the global fetch another way (globalThis, window, self)", () => {
    const offenders = sourceFiles(CORE).filter((file) =>
      /\b(globalThis|window|self)\s*\.\s*fetch\b|\[\s*["']fetch["']\s*\]/.test(readFileSync(file, "utf8")),
    );
    expect(offenders.map((file) => path.relative(ROOT, file))).toEqual([]);
  });
});

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Folder-level import edges of a source tree: "a->b" with the files of `a` that import from `b` (any
 * import: static, type-only, re-export or dynamic). A file directly under `root` is its own "folder".
 */
function folderEdges(root: string): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const from = path.relative(root, file).split(path.sep)[0]!;
    for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = path.relative(root, path.resolve(path.dirname(file), fileName));
      const to = target.split(path.sep)[0]!;
      if (to === from || to === ".." || target.startsWith("..")) continue;
      const key = `${from}->${to}`;
      edges.set(key, [...new Set([...(edges.get(key) ?? []), path.relative(root, file)])]);
    }
  }
  return edges;
}

/** Folder pairs that import each other both ways, "a<->b" with a < b, each with the files on both sides. */
function tangledPairs(root: string): Map<string, string[]> {
  const edges = folderEdges(root);
  const pairs = new Map<string, string[]>();
  for (const [key, files] of edges) {
    const [a, b] = key.split("->") as [string, string];
    const back = edges.get(`${b}->${a}`);
    if (a < b && back) pairs.set(`${a}<->${b}`, [...files, ...back]);
  }
  return pairs;
}

describe("domain folders of packages/core do not import each other both ways", () => {
  it("no new pair; a pair that is gone leaves the allow-list", () => {
    const pairs = tangledPairs(CORE);
    const allowed = new Set(TANGLED_PAIRS_BEING_UNTANGLED);
    const fresh = [...pairs]
      .filter(([pair]) => !allowed.has(pair))
      .map(([pair, files]) => `${pair}: ${files.join(", ")}`);
    expect(fresh, "folders importing each other both ways (make the dependency run one way)").toEqual([]);
    const gone = TANGLED_PAIRS_BEING_UNTANGLED.filter((pair) => !pairs.has(pair));
    expect(gone, "untangled: delete these from TANGLED_PAIRS_BEING_UNTANGLED").toEqual([]);
  });

  it("the check finds a pair through type-only, re-export and dynamic imports, and not a one-way import", () => {
    const root = mkdtempSync(path.join(work, "tree-"));
    const files: Record<string, string> = {
      "a/one.ts": `import type { B } from "../b/two.ts";\nexport type A = B;\n`,
      "b/two.ts": `export type B = string;\nexport const later = () => import("../a/three.ts");\n`,
      "a/three.ts": `export * from "../c/four.ts";\n`,
      "c/four.ts": `export const c = 1;\n`,
      "d/five.ts": `import { c } from "../c/four.ts";\nexport const d = c;\n`,
      "c/six.ts": `// import { d } from "../d/five.ts" is only a comment\nexport const e = 1;\n`,
      "top.ts": `import { c } from "./c/four.ts";\nexport const t = c;\n`,
    };
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), source);
    }
    expect([...tangledPairs(root).keys()]).toEqual(["a<->b"]);
  });
});
