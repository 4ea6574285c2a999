import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { runWorkspaceCli } from "@helperiq/server/cli/workspace";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";
import { seedWorkspace } from "../support/workspace-seed.ts";

/** `npm run workspace -- export`: queued for the server, or written here with progress and copied to a file. */

let t: TestApp;
let a: TestTenant;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "hq-cli-export-"));
  // The workspace's media lives where the CLI reads it: DATA_DIR/media, as `npm start` stores it.
  t = await bootTestApp({}, undefined, undefined, createFilesystemBlobStore(path.join(dataDir, "media")));
  a = await createTenant(t);
  await seedWorkspace(t, a, { conversations: 2, messages: 2 });
});
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runWorkspaceCli(
    argv,
    { DATA_DIR: dataDir, ADMIN_EMAIL: "owner@example.com" },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { database: t.database },
  );
  return { code, out, err };
}

describe("workspace export", () => {
  it("queues the export for the server's schedule without --wait", async () => {
    const res = await cli(["export", a.slug, "--json"]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out.join("\n"))).toMatchObject({ status: "queued" });
  });

  it("writes it here with progress and copies the zip to --out", async () => {
    const file = path.join(dataDir, "out.zip");
    const res = await cli(["export", a.slug, "--out", file]);
    expect(res.code, res.err.join("\n")).toBe(0);
    const line = (rest: string) => new RegExp(`^export \\d+ of ${a.slug}: ${rest}$`);
    expect(res.err[0]).toMatch(line(" +0% \\(0/\\d+ tables, 0 rows, 0 files, 0 B\\)"));
    // The table just written, with its rows; the totals grow.
    expect(
      res.err.some((l) =>
        line(" +\\d+% \\(\\d+/\\d+ tables, [\\d,]+ rows, 0 files, 0 B\\): conversations 2 rows").test(l),
      ),
    ).toBe(true);
    expect(res.err.some((l) => line(" +\\d+% \\((\\d+)/\\1 tables, [\\d,]+ rows, 2 files, \\d+ B\\)").test(l))).toBe(
      true,
    );
    expect(res.err.at(-1)).toMatch(
      line("100% \\((\\d+)/\\1 tables, [\\d,]+ rows, 2 files, \\d+ B\\); archive [\\d.]+ kB"),
    );
    expect(res.out.join("\n")).toMatch(
      new RegExp(`Export \\d+ of ${a.slug}: \\d+ bytes, \\d+ files \\(2 media files\\), written to ${file}`),
    );
    const zip = await JSZip.loadAsync(readFileSync(file));
    expect(JSON.parse(await zip.file("workspace.json")!.async("string")).slug).toBe(a.slug);
    expect(Object.keys(zip.files).filter((n) => n.startsWith("media/") && !n.endsWith("/")).length).toBe(2);
  });

  it("--json prints one JSON line per unit of progress, then the result", async () => {
    const res = await cli(["export", a.slug, "--wait", "--json"]);
    expect(res.code, res.err.join("\n")).toBe(0);
    const lines = res.out.map((l) => JSON.parse(l));
    for (const p of lines.slice(0, -1))
      expect(p).toMatchObject({ type: "progress", kind: "export", workspace: a.slug });
    expect(lines.find((p) => p.table === "conversations")).toMatchObject({ step: "tables" });
    expect(lines.at(-2)).toMatchObject({ step: "done", percent: 100, files: 2 });
    expect(lines.at(-1)).toMatchObject({ status: "done", out: null });
  });

  it("refuses an unknown workspace (exit 1) and a missing slug (exit 1)", async () => {
    expect((await cli(["export", "no-such-workspace"])).code).toBe(1);
    expect((await cli(["export"])).code).toBe(1);
  });
});
