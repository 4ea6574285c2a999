import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@helperiq/server/config";
import { startServer } from "@helperiq/server/start";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(path.join(tmpdir(), "helperiq-embedded-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const boot = (log: string[]) =>
  startServer(loadConfig({ PORT: "0", DATA_DIR: dataDir, ADMIN_EMAIL: "owner@example.com" }), (line) => log.push(line));

/** The embedded server as `npm start` runs it: PGlite on disk, the default workspace, a real socket. */
describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "embedded server (runs once, in the PGlite pass)",
  () => {
    it("bootstraps the default workspace once, prints the admin login, and keeps data across a restart", async () => {
      const log: string[] = [];
      const first = await boot(log);
      let password = "";
      try {
        expect((await fetch(`${first.url}/health`)).status).toBe(200);
        expect(log.join("\n")).toContain("owner@example.com");
        password = log
          .find((l) => l.includes("password:"))!
          .split("password:")[1]!
          .trim();
        expect(password.length).toBeGreaterThanOrEqual(20);

        const login = await fetch(`${first.url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ email: "owner@example.com", password }),
        });
        expect(login.status).toBe(200);
        const cookies = login.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; ");
        const csrf = ((await login.json()) as { data: { csrf_token: string } }).data.csrf_token;
        const statuses = await fetch(`${first.url}/api/v1/statuses`, { headers: { cookie: cookies } });
        expect(((await statuses.json()) as { data: unknown[] }).data).toHaveLength(6);
        const created = await fetch(`${first.url}/api/v1/tags`, {
          method: "POST",
          headers: { cookie: cookies, "x-csrftoken": csrf, "content-type": "application/json" },
          body: JSON.stringify({ name: "survives-restart" }),
        });
        expect(created.status).toBe(201);
      } finally {
        await first.close();
      }

      const again: string[] = [];
      const second = await boot(again);
      try {
        expect(again.join("\n")).not.toContain("password:");
        const login = await fetch(`${second.url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "owner@example.com", password }),
        });
        expect(login.status).toBe(200);
        const cookies = login.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; ");
        const tags = (await (await fetch(`${second.url}/api/v1/tags`, { headers: { cookie: cookies } })).json()) as {
          data: { name: string }[];
        };
        expect(tags.data.map((t) => t.name)).toEqual(["survives-restart"]);
        expect((await fetch(`${second.url}/api/v1/statuses`)).status).toBe(401);
      } finally {
        await second.close();
      }
    }, 120_000); // a fresh database migrated from the first migration, then a second start: slow on a loaded machine

    it("rejects invalid configuration with a message naming the variable", () => {
      expect(() => loadConfig({ PORT: "not-a-port" })).toThrow(/PORT/);
      expect(() => loadConfig({ ADMIN_EMAIL: "nope" })).toThrow(/ADMIN_EMAIL/);
      for (const bad of ["-5", "1.5", "abc"])
        expect(() => loadConfig({ PLATFORM_RATE_LIMIT: bad })).toThrow(/PLATFORM_RATE_LIMIT/);
    });
  },
);
