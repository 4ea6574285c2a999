import { describeError } from "@helperiq/core/errors/describe";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { createHub } from "@helperiq/adapters/realtime/hub";
import { createPgRelay } from "@helperiq/adapters/realtime/pg-relay";
import type { Clock, Database, DomainEvent, Events } from "@helperiq/core/port/index";
import { reloadChanges } from "@helperiq/core/realtime/fanout";
import type { TenantRouting } from "@helperiq/core/tenant/index";
import { attachWebSockets, type VerifyVisitor } from "./ws.ts";
import type { Keyring } from "@helperiq/core/crypto/secret-box";
import { verifyWidgetSession } from "@helperiq/core/widget/session";

export type RealtimeOptions = {
  database: Database;
  clock: Clock;
  /** A PostgreSQL server shared with other instances: events are relayed to them with LISTEN/NOTIFY. */
  databaseUrl?: string | undefined;
  tenantRouting: TenantRouting;
  trustForwardedHost: boolean;
  maxBufferedBytes?: number | undefined;
  verifyVisitor?: VerifyVisitor | undefined;
  secrets?: Keyring | undefined;
  log: (line: string) => void;
};

/**
 * The embedded realtime stack: the Events every producer publishes to, the hub delivering to this process's
 * WebSockets (one publication at a time, sharing its fan-out work), the in-process bus for other local
 * subscribers, and (on a PostgreSQL server) the relay to the other processes. Each event is delivered here
 * once, directly; the relay skips the copies this process sent itself.
 */
export async function createRealtime(options: RealtimeOptions) {
  const { database, clock, log } = options;
  const db = database.db;
  const bus = createEventBus();
  const relay =
    options.databaseUrl && database.dialect !== "pglite"
      ? await createPgRelay({
          url: options.databaseUrl,
          instanceId: randomUUID(),
          log,
          onRemote: (relayed) => {
            void Promise.all(
              relayed.map(({ event, reload }) =>
                reload
                  ? reloadChanges(db, event, reload).then((changes) => ({ ...event, changes }) as DomainEvent)
                  : event,
              ),
            )
              .then((events) => hub.deliverAll(events))
              .catch((err) => log(`[realtime] relayed events failed: ${describeError(err)}`));
          },
        })
      : undefined;
  const events: Events = {
    async publish(list) {
      // Not awaited: a request's answer does not wait for the pushes it caused.
      void hub.deliverAll(list);
      await bus.publish(list);
      // Not awaited either (the relay keeps publications in order): the change is committed, and a relay
      // failure is logged, never turned into a failed request.
      if (relay) void relay.publish(list).catch((err) => log(`[realtime] relay publish failed: ${describeError(err)}`));
    },
  };
  const hub = createHub({
    db,
    clock,
    publish: (list) => events.publish(list),
    maxBufferedBytes: options.maxBufferedBytes,
    secrets: options.secrets,
    log,
  });
  let sockets: ReturnType<typeof attachWebSockets> | undefined;
  return {
    events,
    hub,
    attach(server: Server) {
      sockets = attachWebSockets(server, {
        db,
        clock,
        hub,
        tenantRouting: options.tenantRouting,
        trustForwardedHost: options.trustForwardedHost,
        verifyVisitor: options.verifyVisitor ?? verifyWidgetSession,
        log,
      });
    },
    async close() {
      await sockets?.close();
      await hub.idle();
      await relay?.close();
    },
  };
}
