import { createMemoryQueue } from "@helperiq/adapters/queue/memory";
import { hashPassword } from "@helperiq/core/auth/password";
import { describeError, errorReason, maskSecrets } from "@helperiq/core/errors/describe";
import { users } from "@helperiq/core/user/user.sql";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";

/**
 * A failed write is logged by error class, request id and the constraint it hit: never the statement's
 * parameters (the argon2 hash of a new agent's password, its email), nor any other secret.
 */
const PASSWORD = "a-password-that-must-never-be-logged";
const EMAIL = "forced-failure@example.com";
const CONSTRAINT = "forced_failure_for_log_test";

let t: TestApp;
let a: TestTenant;
let lines: string[] = [];

/** Everything written to the console while a test runs, as one would read it in the server log. */
function captureConsole() {
  const record = (...args: unknown[]) =>
    void lines.push(
      args
        .map((x) =>
          typeof x === "string" ? x : x instanceof Error ? `${x.stack}\n${JSON.stringify(x)}` : JSON.stringify(x),
        )
        .join(" "),
    );
  for (const level of ["error", "warn", "log", "info"] as const) vi.spyOn(console, level).mockImplementation(record);
}

/** What must never appear: the password, its hash (in any form), the email, a parameter list. */
function expectNoSecrets(log: string) {
  expect(log).not.toContain(PASSWORD);
  expect(log).not.toContain("$argon2");
  expect(log).not.toContain(EMAIL);
  expect(log).not.toMatch(/params:\s*\S/);
}

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  // A constraint only the test's agent breaks: the insert reaches the database and fails there.
  await t.database.db.execute(
    sql.raw(`ALTER TABLE users ADD CONSTRAINT ${CONSTRAINT} CHECK (email IS DISTINCT FROM '${EMAIL}')`),
  );
});
afterAll(() => t.close());
afterEach(() => {
  vi.restoreAllMocks();
  lines = [];
});

/** A real failed insert of a row carrying a password hash, as the database driver reports it. */
async function failedInsert(): Promise<unknown> {
  const passwordHash = await hashPassword(PASSWORD);
  try {
    await t.database.db
      .insert(users)
      .values({ tenantId: a.id, type: "agent", email: EMAIL, firstName: "F", lastName: "F", passwordHash });
  } catch (err) {
    return err;
  }
  throw new Error("the insert was expected to fail");
}

describe("error logs carry no secrets", () => {
  it("a 500 from a failed agent insert logs the request id, error class and constraint, and no hash, password or email", async () => {
    captureConsole();
    const res = await a.admin.request(
      "POST",
      "/api/v1/agents",
      { first_name: "Fay", email: EMAIL, roles: ["Agent"], password: PASSWORD },
      { "x-request-id": "req-forced-failure-1" },
    );
    expect(res.status).toBe(500);
    expect(res.body.data).toEqual({
      message: "Unexpected error (request id req-forced-failure-1)",
      type: "GeneralError",
    });
    const log = lines.join("\n");
    expect(log).toContain("[req-forced-failure-1] POST /api/v1/agents failed:");
    expect(log).toContain("SQLSTATE 23514");
    expect(log).toContain(`constraint ${CONSTRAINT}`);
    expect(log).toMatch(/DrizzleQueryError|DatabaseError/);
    expect(log).toMatch(/\n\s+at /); // the frames stay, for whoever debugs it
    expectNoSecrets(log);
  });

  it("the driver's own error does carry the hash (what the logs used to print)", async () => {
    const err = await failedInsert();
    expect(String((err as Error).message)).toContain("$argon2");
    const described = describeError(err, { stack: true });
    expectNoSecrets(described);
    expect(described).toContain(`constraint ${CONSTRAINT}`);
    expect(errorReason(err)).toBe(`database error SQLSTATE 23514 (constraint ${CONSTRAINT}, table users)`);
  });

  it("a queue job failing on the database logs each attempt and the give-up without parameters", async () => {
    const err = await failedInsert();
    captureConsole();
    const dead: unknown[] = [];
    const queue = createMemoryQueue(
      async () => {
        throw err;
      },
      async (_message, error) => void dead.push(error),
      { attempts: 2, backoffMs: 1 },
    );
    await queue.send({ type: "inbox.poll", tenantId: a.id, inboxId: 1 });
    await queue.drain();
    await queue.close();
    expect(dead).toHaveLength(1);
    const log = lines.join("\n");
    expect(log).toContain("[queue] inbox.poll failed (attempt 2/2):");
    expect(log).toContain("SQLSTATE 23514");
    expectNoSecrets(log);
  });

  it("masks secrets in messages of other errors and keeps what helps", () => {
    const hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    expect(maskSecrets(`bad row ${hash}, retry`)).toBe("bad row [hash], retry");
    expect(maskSecrets("connect to smtps://mailer:hunter2@smtp.example.com:465 failed")).toBe(
      "connect to smtps://[credentials]@smtp.example.com:465 failed",
    );
    expect(maskSecrets("upstream said: Authorization: Bearer sk-live-abc123")).toBe(
      "upstream said: Authorization: Bearer [credentials]",
    );
    expect(maskSecrets("token 5b4kxqj2rnd7mzq6vf3wthpc4ye2lsa7 was refused")).toBe("token [secret] was refused");
    expect(maskSecrets(`hash ${"ab12".repeat(16)}`)).toBe("hash [secret]");
    expect(maskSecrets("Failed query: insert into x values ($1)\nparams: secret,1")).toBe(
      "Failed query: insert into x values ($1)\nparams: [not logged]",
    );
    // Ids and ordinary words stay readable.
    expect(maskSecrets("conversation 0b9e7f0a-3c1d-4a5e-9f2b-8c7d6e5f4a3b not found")).toContain(
      "0b9e7f0a-3c1d-4a5e-9f2b-8c7d6e5f4a3b",
    );
    expect(maskSecrets("Greeting never received from imap.example.com:993")).toBe(
      "Greeting never received from imap.example.com:993",
    );
    expect(errorReason("plain string")).toBe("plain string");
    expect(describeError(new TypeError("x is undefined"))).toBe("TypeError: x is undefined");
  });
});
