import { insertAgent } from "@helperiq/core/agent/admin";
import { enabledAgents } from "@helperiq/core/agent/seats";
import { systemCtx } from "@helperiq/core/context/index";
import { generateKeyringSpec, parseKeyring } from "@helperiq/core/crypto/secret-box";
import { createInbox } from "@helperiq/core/inbox/index";
import { inboxes } from "@helperiq/core/inbox/inbox.sql";
import type { Outbound } from "@helperiq/core/port/outbound";
import type { Database, Db } from "@helperiq/core/port/index";
import { QuotaError } from "@helperiq/core/quota/limits";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { tenants, type TenantLimits } from "@helperiq/core/tenant/tenant.sql";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../support/test-db.ts";

/**
 * Two creations at a workspace's last agent seat or inbox slot, in two transactions on two connections that are
 * both open before either writes: the limit's row lock (quota/limits.ts lockedLimits) must let exactly one
 * through. PostgreSQL only: PGlite has one connection, so its transactions never overlap.
 */

/** How long a transaction whose write returned waits for the other's write before committing. */
const PAUSE_MS = 400;

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves for every caller once `n` have called it. */
function barrier(n: number) {
  const all = deferred();
  let arrived = 0;
  return () => {
    if (++arrived === n) all.resolve();
    return all.promise;
  };
}

/**
 * Runs `write` in two transactions at once, each on its own pooled connection. Both transactions are open (a
 * statement ran in each) before either writes; each commits once the other's write has returned, or after
 * PAUSE_MS when the other is blocked (on the lock this test is about), so a lock-less write lets both pass.
 */
function race<T>(write: (tx: Db, i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const opened = barrier(2);
  const written = [deferred(), deferred()];
  return Promise.allSettled(
    [0, 1].map((i) =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_backend_pid()`);
        await opened();
        try {
          return await write(tx, i);
        } finally {
          written[i]!.resolve();
          await Promise.race([written[1 - i]!.promise, new Promise((r) => setTimeout(r, PAUSE_MS))]);
        }
      }),
    ),
  );
}

function expectOneQuotaError(outcomes: PromiseSettledResult<unknown>[], limit: keyof TenantLimits) {
  expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
  const refused = outcomes.find((o) => o.status === "rejected")!.reason;
  expect(refused).toBeInstanceOf(QuotaError);
  expect((refused as QuotaError).limit).toBe(limit);
}

const admin = { firstName: "Ada", lastName: "Admin", password: "a long enough password" };

async function workspace(slug: string, limits: TenantLimits) {
  const made = await provisionTenant(database.db, { slug, name: slug, admin: { ...admin, email: `ada@${slug}.test` } });
  await database.db.update(tenants).set({ limits }).where(eq(tenants.id, made.tenantId));
  return made.tenantId;
}

const ctxOf = (db: Db, tenantId: number) =>
  systemCtx({ db, clock: { now: () => new Date() } } as Parameters<typeof systemCtx>[0], tenantId);

describe.runIf(process.env.TEST_DB === "pg")("quota at the last seat, two connections at once", () => {
  it("lets exactly one of two concurrent agent creations take the last seat", async () => {
    // The admin holds one seat; one is left.
    const tenantId = await workspace("seat-race", { agents: 2 });
    const outcomes = await race((tx, i) =>
      insertAgent(tx, ctxOf(tx, tenantId), { first_name: "Nia", email: `nia${i}@seat-race.test`, roles: ["Agent"] }),
    );
    expectOneQuotaError(outcomes, "agents");
    expect(await enabledAgents(database.db, tenantId)).toBe(2);
  });

  it("lets exactly one of two concurrent inbox creations take the last slot", async () => {
    const tenantId = await workspace("slot-race", { inboxes: 1 });
    const deps = { secrets: parseKeyring(generateKeyringSpec()), outbound: {} as Outbound };
    // createInbox opens its transaction as a savepoint of the racing one, which holds the lock until commit.
    const outcomes = await race((tx, i) =>
      createInbox(ctxOf(tx, tenantId), deps, { name: `Chat ${i}`, channel: "livechat" }),
    );
    expectOneQuotaError(outcomes, "inboxes");
    const [row] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(inboxes)
      .where(eq(inboxes.tenantId, tenantId));
    expect(Number(row!.n)).toBe(1);
  });
});
