import { describeError } from "@helperiq/core/errors/describe";
import { and, eq, inArray } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { READ_ONLY, type AgentActor } from "@helperiq/core/context/index";
import { visibleConversationId } from "@helperiq/core/conversation/get";
import { conversations } from "@helperiq/core/conversation/conversation.sql";
import type { Clock, Db, DomainEvent } from "@helperiq/core/port/index";
import { WORKSPACE_CLOSE } from "@helperiq/core/port/workspace-sockets";
import { tenants } from "@helperiq/core/tenant/tenant.sql";
import {
  newFanoutCache,
  planDeliveries,
  type Connection,
  type ConnectionDirectory,
  type Viewer,
} from "@helperiq/core/realtime/fanout";
import { errorFrame, frameText, isUuid, parseClientFrame, WS_ERRORS } from "@helperiq/core/realtime/frames";
import type { Dialect } from "@helperiq/core/realtime/dialect";
import { users } from "@helperiq/core/user/user.sql";
import type { Keyring } from "@helperiq/core/crypto/secret-box";

/** What the hub needs of a WebSocket (node `ws` implements it). */
export interface HubSocket {
  send(text: string): void;
  /** Bytes queued and not yet written to the network. */
  readonly bufferedAmount: number;
  close(code?: number, reason?: string): void;
  /** Drops the connection at once, without a closing handshake. */
  terminate(): void;
}

export type HubOptions = {
  db: Db;
  clock: Clock;
  /** Publishes what the hub itself produces (typing, presence) to every instance, this one included. */
  publish: (events: DomainEvent[]) => Promise<void>;
  /** A connection with more than this queued unsent is a slow consumer and is dropped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** `ping` updates the agent's last_active_at at most this often (default 60 s). */
  touchEveryMs?: number;
  log?: (line: string) => void;
  /** Signs attachment URLs of widget pushes. */
  secrets?: Keyring | undefined;
};

type Entry = {
  conn: Connection;
  socket: HubSocket;
  actor?: AgentActor;
  subscription?: string;
  viewing: string | null;
};

type PresenceEntry = { tenantId: number; userId: number; firstName: string; uuid: string };

export type HubConnection = { receive(text: string): Promise<void>; closed(): void; readonly id: string };

export type Hub = ReturnType<typeof createHub>;

/**
 * The embedded realtime hub: this process's connection table, the client protocol (core realtime/frames.ts)
 * and delivery of domain events to local connections. Events reach `deliver` from the in-process bus and,
 * across instances, from the Postgres relay. Presence is kept per connection for every instance (relayed
 * `presence` events), so viewers are complete whichever process a viewer is connected to.
 */
export function createHub(options: HubOptions) {
  const { db, clock } = options;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const touchEveryMs = options.touchEveryMs ?? 60_000;
  const log = options.log ?? ((line: string) => console.error(line));
  const entries = new Map<string, Entry>();
  const presence = new Map<string, PresenceEntry>();
  const touched = new Map<number, number>();
  /** Events of one conversation are delivered in publication order; different conversations in parallel. */
  const chains = new Map<string, Promise<void>>();
  let dropped = 0;

  const tenantConnected = (tenantId: number) => {
    for (const e of entries.values()) if (e.conn.tenantId === tenantId) return true;
    return false;
  };
  const agentsOf = (tenantId: number) =>
    [...entries.values()].filter((e) => e.conn.tenantId === tenantId && e.conn.kind === "agent");
  const directory: ConnectionDirectory = {
    subscribers: (tenantId, uuid) =>
      agentsOf(tenantId)
        .filter((e) => e.subscription === uuid)
        .map((e) => e.conn),
    ofUsers: (tenantId, userIds) => {
      const wanted = new Set(userIds);
      return agentsOf(tenantId)
        .filter((e) => e.conn.kind === "agent" && wanted.has(e.conn.userId))
        .map((e) => e.conn);
    },
    agents: (tenantId) => agentsOf(tenantId).map((e) => e.conn),
    listeners: (tenantId) =>
      agentsOf(tenantId)
        .filter((e) => e.conn.kind === "agent" && e.conn.dialect === "libredesk")
        .map((e) => e.conn),
    visitors: (tenantId, contactId) =>
      [...entries.values()]
        .filter((e) => e.conn.tenantId === tenantId && e.conn.kind === "visitor" && e.conn.contactId === contactId)
        .map((e) => e.conn),
    viewers: (tenantId, uuid) => {
      const byUser = new Map<number, Viewer>();
      for (const p of presence.values()) {
        if (p.tenantId === tenantId && p.uuid === uuid && !byUser.has(p.userId))
          byUser.set(p.userId, { user_id: p.userId, first_name: p.firstName });
      }
      return [...byUser.values()].sort((a, b) => a.user_id - b.user_id);
    },
  };

  function send(entry: Entry, text: string) {
    if (!entries.has(entry.conn.id)) return;
    // A consumer that does not read its socket fills this buffer; it is dropped rather than slowing the others.
    if (entry.socket.bufferedAmount > maxBuffered) {
      dropped++;
      log(`[realtime] dropping slow consumer ${entry.conn.id} (${entry.socket.bufferedAmount} bytes queued)`);
      remove(entry);
      entry.socket.terminate();
      return;
    }
    entry.socket.send(text);
  }

  async function deliverNow(events: readonly DomainEvent[]) {
    // Back to the event loop first: PGlite answers in microtasks, and a burst of deliveries must not keep
    // sockets from flushing (nor readers from reading) until it is over.
    await new Promise((resolve) => setImmediate(resolve));
    const cache = newFanoutCache();
    for (const event of events) {
      if (event.type === "presence") {
        if (event.conversationUuid) {
          presence.set(event.connectionId, {
            tenantId: event.tenantId,
            userId: event.userId,
            firstName: event.firstName,
            uuid: event.conversationUuid,
          });
        } else presence.delete(event.connectionId);
      }
      // No connection of that workspace here: nothing to plan (the common case for most instances and workspaces).
      if (!tenantConnected(event.tenantId)) continue;
      try {
        const deliveries = await planDeliveries(db, event, directory, {
          secrets: options.secrets,
          now: () => clock.now(),
          cache,
        });
        for (const { to, text } of deliveries) {
          for (const conn of to) {
            const entry = entries.get(conn.id);
            if (entry) send(entry, text);
          }
        }
      } catch (err) {
        log(`[realtime] delivery of ${event.type} failed: ${describeError(err)}`);
      }
    }
  }

  function chainKey(event: DomainEvent): string {
    if (event.type === "new_notification") return `${event.tenantId}:n:${event.userId}`;
    if (event.type === "presence") return `${event.tenantId}:p:${event.connectionId}`;
    return `${event.tenantId}:c:${event.conversationUuid}`;
  }

  /**
   * Hands one publication's events (one transaction's effects) to this process's connections; they share
   * one fan-out cache. Events of one conversation go out in publication order, different conversations in
   * parallel. Resolves once sent (tests and shutdown wait on it).
   */
  function deliverAll(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const keys = [...new Set(events.map(chainKey))];
    const before = Promise.all(keys.map((k) => chains.get(k)));
    const next = before
      .then(() => deliverNow(events))
      .catch((err) => log(`[realtime] delivery failed: ${describeError(err)}`));
    for (const k of keys) chains.set(k, next);
    void next.then(() => {
      for (const k of keys) if (chains.get(k) === next) chains.delete(k);
    });
    return next;
  }

  function remove(entry: Entry) {
    if (!entries.delete(entry.conn.id)) return;
    if (entry.viewing && entry.conn.kind === "agent" && entry.actor) {
      const previous = entry.viewing;
      entry.viewing = null;
      void publishSafely([presenceEvent(entry, null, previous)]);
    }
  }

  const presenceEvent = (entry: Entry, uuid: string | null, previous: string | null): DomainEvent => ({
    type: "presence",
    tenantId: entry.conn.tenantId,
    connectionId: entry.conn.id,
    userId: entry.actor!.userId,
    firstName: entry.actor!.firstName,
    conversationUuid: uuid,
    previousUuid: previous,
  });

  const publishSafely = (events: DomainEvent[]) =>
    options.publish(events).catch((err) => log(`[realtime] publish failed: ${describeError(err)}`));

  async function touch(actor: AgentActor) {
    const now = clock.now();
    const last = touched.get(actor.userId);
    if (last !== undefined && now.getTime() - last < touchEveryMs) return;
    touched.set(actor.userId, now.getTime());
    await db
      .update(users)
      .set({ lastActiveAt: now })
      .where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId)));
  }

  /** The conversation id when this agent may read it, else null (unknown, invisible and other workspaces' alike). */
  async function readable(actor: AgentActor, uuid: string): Promise<boolean> {
    if (!isUuid(uuid) || !actor.permissions.has("conversations:read")) return false;
    return visibleConversationId({ db, tenantId: actor.tenantId, actor, clock, ...READ_ONLY }, { uuid }).then(
      () => true,
      () => false,
    );
  }

  async function onAgentFrame(entry: Entry, text: string) {
    const actor = entry.actor!;
    const frame = parseClientFrame(text, entry.conn.kind === "agent" ? entry.conn.dialect : "helperiq");
    if ("error" in frame) return send(entry, errorFrame(frame.error));
    switch (frame.type) {
      case "ping":
        send(entry, "pong");
        return touch(actor);
      case "conversation_subscribe":
        if (!(await readable(actor, frame.conversationUuid))) return send(entry, errorFrame(WS_ERRORS.notFound));
        entry.subscription = frame.conversationUuid;
        return send(entry, frameText("conversation_subscribed", { conversation_uuid: frame.conversationUuid }));
      case "typing":
        if (!(await readable(actor, frame.conversationUuid))) return send(entry, errorFrame(WS_ERRORS.notFound));
        await publishSafely([
          {
            type: "typing",
            tenantId: actor.tenantId,
            conversationUuid: frame.conversationUuid,
            sender: { kind: "agent", userId: actor.userId },
            connectionId: entry.conn.id,
            isTyping: frame.isTyping,
            isPrivate: frame.isPrivate,
          },
        ]);
        return;
      case "list_subscribe_replace":
        // Nothing to record: a LibreDesk-dialect connection already gets every conversation its agent can see.
        return;
      case "view_conversation": {
        const uuid = frame.conversationUuid || null;
        if (uuid && !(await readable(actor, uuid))) return send(entry, errorFrame(WS_ERRORS.notFound));
        if (!entries.has(entry.conn.id) || uuid === entry.viewing) return;
        const previous = entry.viewing;
        entry.viewing = uuid;
        await publishSafely([presenceEvent(entry, uuid, previous)]);
        return;
      }
    }
  }

  async function onVisitorFrame(entry: Entry, text: string) {
    const conn = entry.conn as Extract<Connection, { kind: "visitor" }>;
    const frame = parseClientFrame(text, "helperiq");
    if ("error" in frame) return send(entry, errorFrame(frame.error));
    if (frame.type === "ping") return send(entry, "pong");
    if (frame.type !== "typing") return send(entry, errorFrame(WS_ERRORS.unknownType));
    // Only the visitor's own conversations.
    const [own] = isUuid(frame.conversationUuid)
      ? await db
          .select({ id: conversations.id })
          .from(conversations)
          .where(
            and(
              eq(conversations.tenantId, conn.tenantId),
              eq(conversations.uuid, frame.conversationUuid),
              eq(conversations.contactId, conn.contactId),
            ),
          )
      : [];
    if (!own) return send(entry, errorFrame(WS_ERRORS.notFound));
    await publishSafely([
      {
        type: "typing",
        tenantId: conn.tenantId,
        conversationUuid: frame.conversationUuid,
        sender: { kind: "contact", contactId: conn.contactId },
        connectionId: conn.id,
        isTyping: frame.isTyping,
        isPrivate: false,
      },
    ]);
  }

  function attach(socket: HubSocket, conn: Connection, actor?: AgentActor): HubConnection {
    const entry: Entry = { conn, socket, viewing: null, ...(actor ? { actor } : {}) };
    entries.set(conn.id, entry);
    const handle = conn.kind === "agent" ? onAgentFrame : onVisitorFrame;
    return {
      id: conn.id,
      receive: (text) =>
        handle(entry, text).catch((err) => log(`[realtime] frame from ${conn.id} failed: ${describeError(err)}`)),
      closed: () => remove(entry),
    };
  }

  const newId = () => randomUUID();

  async function closeWorkspace(tenantId: number, reason: string, code = 1008): Promise<number> {
    let closed = 0;
    for (const entry of [...entries.values()]) {
      if (entry.conn.tenantId !== tenantId) continue;
      remove(entry);
      entry.socket.close(code, reason);
      closed++;
    }
    for (const [id, p] of presence) if (p.tenantId === tenantId) presence.delete(id);
    return closed;
  }

  return {
    directory,
    deliverAll,
    deliver: (event: DomainEvent) => deliverAll([event]),
    attachAgent: (socket: HubSocket, actor: AgentActor, dialect: Dialect) =>
      attach(socket, { id: newId(), tenantId: actor.tenantId, kind: "agent", userId: actor.userId, dialect }, actor),
    attachVisitor: (socket: HubSocket, visitor: { tenantId: number; contactId: number }) =>
      attach(socket, { id: newId(), tenantId: visitor.tenantId, kind: "visitor", contactId: visitor.contactId }),
    stats: () => ({ connections: entries.size, dropped }),
    /** Waits until every event handed to `deliver` so far has been sent. */
    async idle() {
      while (chains.size) await Promise.all([...chains.values()]);
    },
    /**
     * Closes this process's connections of one workspace (suspended, deleted, purged: `code`, default 1008
     * policy violation, with `reason`), forgetting them and their presence. Only this process's table is
     * reached: other servers on one PostgreSQL close theirs in `closeInactive` (their keep-alive sweep).
     */
    closeWorkspace,
    /**
     * Closes the connections of every workspace connected here that is no longer active (suspended or being
     * deleted by another process: the CLI against DATABASE_URL, another server, SQL); one query. Returns how many.
     */
    async closeInactive(): Promise<number> {
      const ids = [...new Set([...entries.values()].map((e) => e.conn.tenantId))];
      if (ids.length === 0) return 0;
      const rows = await db
        .select({ id: tenants.id, status: tenants.status })
        .from(tenants)
        .where(inArray(tenants.id, ids));
      const status = new Map(rows.map((r) => [r.id, r.status]));
      let closed = 0;
      for (const id of ids) {
        const now = status.get(id) ?? "deleting";
        if (now === "active") continue;
        const how = now === "suspended" ? WORKSPACE_CLOSE.suspended : WORKSPACE_CLOSE.deleted;
        closed += await closeWorkspace(id, how.reason, how.code);
      }
      return closed;
    },
    /** Closes every connection (going away); their presence is cleared for the other instances. */
    async close() {
      for (const entry of [...entries.values()]) {
        remove(entry);
        entry.socket.close(1001, "server shutting down");
      }
      await this.idle();
    },
  };
}
