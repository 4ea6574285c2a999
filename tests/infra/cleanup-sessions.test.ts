import { openPglite } from "@helperiq/adapters/db/pglite";
import { deleteExpiredSessions } from "@helperiq/core/auth/cleanup";
import { createSession, SESSION_TTL_MS, validateSession } from "@helperiq/core/auth/index";
import type { Database } from "@helperiq/core/port/index";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { SCHEDULED_RUNS, type ScheduleDeps } from "@helperiq/core/job/run-scheduled";
import { signups } from "@helperiq/core/platform/platform.sql";
import { SIGNUP_KEEP_MS } from "@helperiq/core/signup/cleanup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** What the cleanup-sessions job (job/schedule.ts) runs daily, on PGlite. */

let database: Database;

beforeAll(async () => {
  database = await openPglite();
  await database.migrate();
});

afterAll(async () => {
  await database?.close();
});

const admin = { firstName: "Ada", lastName: "Admin", password: "a long enough password" };

describe("deleteExpiredSessions", () => {
  it("deletes the sessions that expired, in every workspace, and keeps live ones", async () => {
    const a = await provisionTenant(database.db, { slug: "a", name: "A", admin: { ...admin, email: "a@a.test" } });
    const b = await provisionTenant(database.db, { slug: "b", name: "B", admin: { ...admin, email: "b@b.test" } });
    const start = new Date("2026-01-01T00:00:00Z");
    const later = new Date(start.getTime() + SESSION_TTL_MS);
    const old = [
      await createSession(database.db, { tenantId: a.tenantId, userId: a.adminId, now: start }),
      await createSession(database.db, { tenantId: b.tenantId, userId: b.adminId, now: start }),
    ];
    const fresh = await createSession(database.db, { tenantId: a.tenantId, userId: a.adminId, now: later });

    expect(await deleteExpiredSessions(database.db, new Date(later.getTime() - 1))).toBe(0);
    // Expiry is exclusive: at `expiresAt` a session no longer validates, so it is removed.
    expect(await deleteExpiredSessions(database.db, later)).toBe(2);
    expect(await validateSession(database.db, a.tenantId, fresh.token, later)).not.toBeNull();
    expect(await validateSession(database.db, a.tenantId, old[0]!.token, start)).toBeNull();
    expect(await deleteExpiredSessions(database.db, later)).toBe(0);
  });
});

describe("the cleanup-sessions job's sign-ups", () => {
  it("deletes sign-ups dead (expired, verified or spent) for more than a day and keeps the others", async () => {
    const now = new Date("2026-03-10T12:00:00Z");
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const row = (slug: string, expiresAt: Date, consumedAt: Date | null = null) => ({
      email: `${slug}@example.test`,
      workspaceName: slug,
      slug,
      tokenHash: `hash-${slug}`,
      expiresAt,
      consumedAt,
    });
    await database.db
      .insert(signups)
      .values([
        row("expired-long-ago", ago(SIGNUP_KEEP_MS + 1000)),
        row("spent-long-ago", ago(SIGNUP_KEEP_MS + 1000), ago(SIGNUP_KEEP_MS + 60_000)),
        row("expired-an-hour-ago", ago(3600_000)),
        row("spent-an-hour-ago", ago(3600_000), ago(3600_000 + 60_000)),
        row("still-live", new Date(now.getTime() + 3600_000)),
      ]);
    const run = SCHEDULED_RUNS["cleanup-sessions"];
    const counts = await run({ db: database.db, clock: { now: () => now } } as unknown as ScheduleDeps);
    expect(counts.signups).toBe(2);
    const left = await database.db.select({ slug: signups.slug }).from(signups);
    expect(left.map((r) => r.slug).sort()).toEqual(["expired-an-hour-ago", "spent-an-hour-ago", "still-live"]);
    expect((await run({ db: database.db, clock: { now: () => now } } as unknown as ScheduleDeps)).signups).toBe(0);
  });
});
