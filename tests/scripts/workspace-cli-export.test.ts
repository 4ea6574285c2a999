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
    expect(res.err.some((l) => /export \d+: +0% \(0\/\d+ tables\)/.test(l))).toBe(true);
    expect(res.err.at(-1)).toMatch(/100% \((\d+)\/\1 tables\)/);
    expect(res.out.join("\n")).toMatch(
      new RegExp(`Export \\d+ of ${a.slug}: \\d+ bytes, \\d+ files, written to ${file}`),
    );
    const zip = await JSZip.loadAsync(readFileSync(file));
    expect(JSON.parse(await zip.file("workspace.json")!.async("string")).slug).toBe(a.slug);
    expect(Object.keys(zip.files).filter((n) => n.startsWith("media/") && !n.endsWith("/")).length).toBe(2);
  });

  it("refuses an unknown workspace (exit 1) and a missing slug (exit 1)", async () => {
    expect((await cli(["export", "no-such-workspace"])).code).toBe(1);
    expect((await cli(["export"])).code).toBe(1);
  });
});
