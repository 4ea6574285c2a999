import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { openPglite } from "@helperiq/adapters/db/pglite";
import type { TestProject } from "vitest/node";
import { createDatabase, startPostgres } from "./postgres-server.ts";
import { testDbKind, type TestDbInfo } from "./test-db.ts";

const WORK = path.resolve(".test-work");

/** Migrates one template database per run; every test file then starts from a copy of it. */
export default async function setup(project: TestProject) {
  const kind = testDbKind();
  if (kind === "pg") {
    const server = await startPostgres();
    const template = "helperiq_template";
    const database = openNodePostgres(await createDatabase(server.url, template));
    await database.migrate();
    await database.close();
    project.provide("testDb", { kind, adminUrl: server.url, template } satisfies TestDbInfo);
    return () => server.stop();
  }
  const database = await openPglite();
  await database.migrate();
  const dump = await database.client.dumpDataDir("none");
  await database.close();
  mkdirSync(WORK, { recursive: true });
  const templatePath = path.join(WORK, `pglite-template-${process.pid}.tar`);
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  project.provide("testDb", { kind, templatePath } satisfies TestDbInfo);
  // 40 MB a run: removed when the run ends.
  return () => rmSync(templatePath, { force: true });
}
