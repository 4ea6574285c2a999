import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@helperiq/server/config";
import { startServer } from "@helperiq/server/start";
import { afterAll, describe, expect, it } from "vitest";

/** DEFAULT_TENANT: unset → the `default` workspace; set but empty → none at all (multi-tenant SaaS). */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hq-default-tenant-"));
  dirs.push(dir);
  return dir;
};

describe("DEFAULT_TENANT configuration", () => {
  it("reads unset as `default` and an empty value as disabled", () => {
    expect(loadConfig({}).DEFAULT_TENANT).toBe("default");
    expect(loadConfig({ DEFAULT_TENANT: "" }).DEFAULT_TENANT).toBe("");
    expect(loadConfig({ DEFAULT_TENANT: "  " }).DEFAULT_TENANT).toBe("");
    expect(loadConfig({ DEFAULT_TENANT: "acme" }).DEFAULT_TENANT).toBe("acme");
    // Other empty variables still take their defaults.
    expect(loadConfig({ PORT: "", APP_NAME: "" })).toMatchObject({ PORT: 9000, APP_NAME: "HelperIQ" });
  });
});

// Each case starts a server on a fresh PGlite directory (all migrations): slow on a busy machine.
describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "DEFAULT_TENANT on the embedded server",
  { timeout: 180_000 },
  () => {
    it("DEFAULT_TENANT= (empty): no workspace is created, no admin password printed, unknown hosts answer 404", async () => {
      const log: string[] = [];
      const server = await startServer(loadConfig({ PORT: "0", DATA_DIR: dataDir(), DEFAULT_TENANT: "" }), (line) =>
        log.push(line),
      );
      try {
        expect(log.join("\n")).not.toMatch(/password/i);
        expect(log.join("\n")).toContain("DEFAULT_TENANT is empty: no default workspace");
        const tenants = await server.database.db.execute<{ n: number }>(
          "select count(*)::int as n from tenants" as never,
        );
        expect((tenants as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
        for (const route of ["/api/v1/statuses", "/api/v1/auth/login", "/widget/ws"]) {
          const res = await fetch(`${server.url}${route}`, { method: route.includes("login") ? "POST" : "GET" });
          expect(res.status, route).toBe(404);
          expect(((await res.json()) as { data: { type: string } }).data.type).toBe("NotFoundError");
        }
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
      } finally {
        await server.close();
      }
    });

    it("unset: the default workspace is created and answers any host", async () => {
      const log: string[] = [];
      const server = await startServer(loadConfig({ PORT: "0", DATA_DIR: dataDir() }), (line) => log.push(line));
      try {
        expect(log.join("\n")).toMatch(/password: \S{20,}/);
        const res = await fetch(`${server.url}/api/v1/statuses`, { headers: { host: "anything.example" } });
        expect(res.status).toBe(401); // the workspace exists; the caller is not signed in
      } finally {
        await server.close();
      }
    });
  },
);
