import type { Db } from "../port/database.ts";
import type { EffectPorts, Effects } from "../port/effects.ts";
import type { DomainEvent } from "../port/events.ts";
import type { QueueMessage } from "../port/queue.ts";

/**
 * The effects a transaction registers while it runs. `transaction` publishes them once COMMIT has
 * returned and drops them when it rolls back, so no client hears of, and no job runs for, a change that
 * did not happen.
 */
export class AfterCommit {
  private readonly pending: Effects = { events: [], messages: [] };

  publish(...events: DomainEvent[]): void {
    this.pending.events.push(...events);
  }

  enqueue(...messages: QueueMessage[]): void {
    this.pending.messages.push(...messages);
  }

  /** What is registered so far (a caller may pass on a filtered copy to another transaction's list). */
  get effects(): Effects {
    return { events: [...this.pending.events], messages: [...this.pending.messages] };
  }

  add(effects: Partial<Effects> | void): void {
    this.publish(...(effects?.events ?? []));
    this.enqueue(...(effects?.messages ?? []));
  }

  /** This transaction as effect ports: what an operation run inside it publishes joins this list (see `within`). */
  readonly ports: EffectPorts = {
    events: { publish: async (events) => this.publish(...events) },
    queue: { send: async (message) => this.enqueue(message) },
  };

  /** Sends the registered effects on: queue messages first (background work), then events (realtime). */
  async flush(ports: EffectPorts): Promise<void> {
    for (const message of this.pending.messages) await ports.queue.send(message);
    if (this.pending.events.length) await ports.events.publish(this.pending.events);
  }
}

/** What a transaction with effects runs on: the database and the ports its effects leave through. */
export type TxScope = { db: Db } & EffectPorts;

/**
 * The one way to write with side effects: runs `fn` in a transaction of `scope.db`; `fn` registers what
 * to publish on `after`, and this publishes it through `scope`'s ports after COMMIT (a failure to publish
 * is the caller's error, as the write itself would be). A throw rolls back and publishes nothing. Opened on
 * a scope bound to an outer transaction (`within`), it is a savepoint whose effects wait for the outer COMMIT.
 */
export async function transaction<T>(scope: TxScope, fn: (tx: Db, after: AfterCommit) => Promise<T>): Promise<T> {
  const after = new AfterCommit();
  const result = await scope.db.transaction((tx) => fn(tx, after));
  await after.flush(scope);
  return result;
}

/** `scope` bound to an open transaction: it reads and writes through `tx`, and its effects wait for that transaction's COMMIT. */
export function within<S extends TxScope>(scope: S, tx: Db, after: AfterCommit): S {
  return { ...scope, db: tx, ...after.ports };
}
