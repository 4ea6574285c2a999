import { systemCtx, type Ctx } from "@helperiq/core/context/index";
import { changeConversation } from "@helperiq/core/conversation/change";
import { transaction, within } from "@helperiq/core/db/transaction";
import type { DomainEvent, EffectPorts, QueueMessage } from "@helperiq/core/port/index";
import { conversations, messages, tags } from "@helperiq/core/schema";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createConversation, createTenant, type TestTenant } from "../support/factories.ts";

/**
 * The transaction runner (core/db/transaction.ts) on a real database: what a transaction registers is
 * published after COMMIT and never after ROLLBACK, savepoints included.
 */

let t: TestApp;
let a: TestTenant;

/** Effect ports that record what reaches them, in order. */
function recording(): EffectPorts & { sent: (DomainEvent | QueueMessage)[] } {
  const sent: (DomainEvent | QueueMessage)[] = [];
  return {
    sent,
    events: { publish: async (list) => void sent.push(...list) },
    queue: { send: async (message) => void sent.push(message) },
  };
}

const event = (n: number): DomainEvent => ({
  type: "conversation_update",
  tenantId: a.id,
  conversationUuid: `uuid-${n}`,
  changes: { n },
});
const job = (n: number): QueueMessage => ({ type: "message.deliver", tenantId: a.id, messageId: n });
const tagNamed = async (name: string) =>
  t.database.db
    .select()
    .from(tags)
    .where(and(eq(tags.tenantId, a.id), eq(tags.name, name)));

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
});

afterAll(() => t.close());

describe("transaction()", () => {
  it("publishes what the transaction registered once it committed: queue messages, then events", async () => {
    const ports = recording();
    const seenInside = await transaction({ db: t.database.db, ...ports }, async (tx, after) => {
      await tx.insert(tags).values({ tenantId: a.id, name: "committed" });
      after.publish(event(1));
      after.enqueue(job(1));
      return [...ports.sent];
    });
    expect(seenInside).toEqual([]);
    expect(ports.sent).toEqual([job(1), event(1)]);
    expect(await tagNamed("committed")).toHaveLength(1);
  });

  it("publishes nothing of a transaction that rolled back", async () => {
    const ports = recording();
    const run = transaction({ db: t.database.db, ...ports }, async (tx, after) => {
      await tx.insert(tags).values({ tenantId: a.id, name: "rolled back" });
      after.publish(event(2));
      after.enqueue(job(2));
      throw new Error("boom after the write");
    });
    await expect(run).rejects.toThrow("boom after the write");
    expect(ports.sent).toEqual([]);
    expect(await tagNamed("rolled back")).toEqual([]);
  });

  it("holds a savepoint's effects for the outer COMMIT and drops those of a savepoint that rolled back", async () => {
    const ports = recording();
    const scope = { db: t.database.db, ...ports };
    await transaction(scope, async (tx, after) => {
      await transaction(within(scope, tx, after), async (_savepoint, inner) => inner.publish(event(3)));
      expect(ports.sent).toEqual([]);
      await transaction(within(scope, tx, after), async (savepoint, inner) => {
        await savepoint.insert(tags).values({ tenantId: a.id, name: "savepoint rolled back" });
        inner.publish(event(4));
        throw new Error("this savepoint only");
      }).catch(() => undefined);
      after.publish(event(5));
    });
    expect(ports.sent).toEqual([event(3), event(5)]);
    expect(await tagNamed("savepoint rolled back")).toEqual([]);
  });

  it("drops everything when the outer transaction rolls back after a savepoint committed", async () => {
    const ports = recording();
    const scope = { db: t.database.db, ...ports };
    await expect(
      transaction(scope, async (tx, after) => {
        await transaction(within(scope, tx, after), async (_savepoint, inner) => inner.publish(event(6)));
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(ports.sent).toEqual([]);
  });
});

describe("a domain change that fails after writing", () => {
  it("leaves the conversation as it was and publishes neither its conversation_update nor its activity", async () => {
    const conv = await createConversation(t, a, { subject: "Before" });
    const ports = recording();
    const ctx: Ctx = systemCtx({ db: t.database.db, clock: t.clock, ...ports }, a.id);
    const change = changeConversation(ctx, { id: conv.id }, () => ({
      set: { subject: "After" },
      changes: { subject: "After" },
      activity: { kind: "subject", text: "System changed the subject" },
      also: async () => {
        throw new Error("a later write of the same change failed");
      },
    }));
    await expect(change).rejects.toThrow("a later write of the same change failed");
    expect(ports.sent).toEqual([]);
    const [row] = await t.database.db
      .select({ subject: conversations.subject })
      .from(conversations)
      .where(eq(conversations.id, conv.id));
    expect(row!.subject).toBe("Before");
    expect(
      await t.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conv.id), eq(messages.type, "activity"))),
    ).toEqual([]);

    // The same change without the failure commits and publishes both.
    const done = await changeConversation(ctx, { id: conv.id }, () => ({
      set: { subject: "After" },
      changes: { subject: "After" },
      activity: { kind: "subject", text: "System changed the subject" },
    }));
    expect(done).toBe(true);
    expect(ports.sent.map((e) => e.type)).toEqual(["conversation_update", "new_message"]);
  });
});
