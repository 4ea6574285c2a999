import { readFileSync } from "node:fs";
import { openNodePostgres } from "@helperiq/adapters/db/node-postgres";
import { openPglite } from "@helperiq/adapters/db/pglite";
import type { Database } from "@helperiq/core/port/index";
import { inject } from "vitest";
import { createDatabase, dropDatabase } from "./postgres-server.ts";

export type TestDbInfo = { kind: "pglite"; templatePath: string } | { kind: "pg"; adminUrl: string; template: string };

declare module "vitest" {
  export interface ProvidedContext {
    testDb: TestDbInfo;
  }
}

export function testDbKind(): TestDbInfo["kind"] {
  const kind = process.env.TEST_DB ?? "pglite";
  if (kind !== "pglite" && kind !== "pg") throw new Error(`TEST_DB must be pglite or pg, not ${kind}`);
  return kind;
}

/** A fresh, migrated database of the run's kind, private to the calling test file. */
export async function openTestDatabase(): Promise<Database> {
  const info = inject("testDb");
  if (info.kind === "pglite") {
    return openPglite({ loadDataDir: new Blob([readFileSync(info.templatePath)]) });
  }
  const name = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const database = openNodePostgres(await createDatabase(info.adminUrl, name, info.template), { max: 5 });
  return {
    ...database,
    async close() {
      await database.close();
      await dropDatabase(info.adminUrl, name);
    },
  };
}
