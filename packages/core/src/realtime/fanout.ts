import { and, eq } from "drizzle-orm";
import { READ_ONLY, systemCtx as workspaceCtx, type AgentActor, type Ctx } from "../context/index.ts";
import { getConversation } from "../conversation/get.ts";
import { listRow, selectConversationRows } from "../conversation/list.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { iso } from "../db/iso.ts";
import { messages } from "../conversation/message.sql.ts";
import { messageViews, selectMessageRows, type MessageView } from "../message/view.ts";
import { notifications } from "../notification/notification.sql.ts";
import { users } from "../user/user.sql.ts";
import { tenants } from "../tenant/tenant.sql.ts";
import { selectNotificationViews, toNotificationView } from "../notification/view.ts";
import { systemClock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import type { DomainEvent } from "../port/events.ts";
import type { Permission } from "../role/permissions.ts";
import { loadTarget as loadTargetRow, visibleAgents, type ConversationTarget } from "./audience.ts";
import { widgetMessageByUuid } from "../widget/view.ts";
import { DEFAULT_MEDIA_URL_TTL_SECONDS, signMediaPath } from "../media/url.ts";
import type { Keyring } from "../crypto/secret-box.ts";
import { frameText } from "./frames.ts";
import { conversationPropFrames, libredeskNewMessage, messagePropFrames, type Dialect } from "./dialect.ts";

/** An open WebSocket as the fan-out sees it: an agent's (in its dialect), or a widget visitor's (a contact). */
export type Connection =
  | { id: string; tenantId: number; kind: "agent"; userId: number; dialect: Dialect }
  | { id: string; tenantId: number; kind: "visitor"; contactId: number };

export type Viewer = { user_id: number; first_name: string };

/**
 * Where connections are looked up: the embedded hub's table (this process) or the DynamoDB registry (API
 * Gateway). Every lookup is within one workspace.
 */
export interface ConnectionDirectory {
  /** Agent connections whose (single) subscription is this conversation. */
  subscribers(tenantId: number, conversationUuid: string): Promise<Connection[]> | Connection[];
  /** Every connection of these agents. */
  ofUsers(tenantId: number, userIds: readonly number[]): Promise<Connection[]> | Connection[];
  /** Every agent connection of the workspace. */
  agents(tenantId: number): Promise<Connection[]> | Connection[];
  /** Every agent connection of the workspace in LibreDesk's dialect: they take every visible conversation's events unsubscribed. */
  listeners(tenantId: number): Promise<Connection[]> | Connection[];
  /** Every widget connection of this contact. */
  visitors(tenantId: number, contactId: number): Promise<Connection[]> | Connection[];
  /** Who views the conversation now, one entry per agent. */
  viewers(tenantId: number, conversationUuid: string): Promise<Viewer[]> | Viewer[];
}

/**
 * What a push to a widget visitor needs beyond the database: the keyring that signs attachment URLs. They
 * are signed paths (`/uploads/<uuid>?exp=…&sig=…`), relative to the HelperIQ origin the widget talks to.
 */
export type FanoutOptions = { secrets?: Keyring | undefined; now?: () => Date; cache?: FanoutCache };

/**
 * What the events of one publication (one transaction's effects: a message and the conversation update it
 * caused) share: the conversation row and each agent's visibility, computed once for all of them.
 */
export type FanoutCache = {
  targets: Map<string, Promise<ConversationTarget | null>>;
  /** `<conversation id>:<user id>` → the agent when the conversation is visible to them, else null. */
  visible: Map<string, AgentActor | null>;
  /** Workspace id → whether it is active (a suspended or deleted workspace's events reach nobody). */
  active: Map<number, Promise<boolean>>;
};
export const newFanoutCache = (): FanoutCache => ({ targets: new Map(), visible: new Map(), active: new Map() });

/** Whether the workspace is active, read once per publication. */
function workspaceActive(db: Db, cache: FanoutCache, tenantId: number): Promise<boolean> {
  let active = cache.active.get(tenantId);
  if (!active) {
    active = db
      .select({ status: tenants.status })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .then(([row]) => row?.status === "active");
    cache.active.set(tenantId, active);
  }
  return active;
}

/** One text frame and the connections it goes to. */
export type Delivery = { to: Connection[]; text: string };

/** The fan-out reads as the workspace and never writes. */
const systemCtx = (db: Db, tenantId: number): Ctx => workspaceCtx({ db, clock: systemClock, ...READ_ONLY }, tenantId);

/**
 * The frames one domain event becomes and who gets them. A message (new_message, message_update) goes to
 * subscribers of the conversation plus every connection of its assignee, team members and
 * followers/mentioned, plus every LibreDesk-dialect connection; a new conversation and a conversation's
 * changes (conversation_update, so every list row stays live) go to every agent connection of the
 * workspace. Each agent is checked once against the tenant, the read permission and the visibility rule,
 * whatever its dialect; each connection gets the event in its dialect. Widget visitors get only the public
 * messages of their own conversations, without agent emails. Loads what it sends from the database, so an
 * event carries ids only.
 */
export async function planDeliveries(
  db: Db,
  event: DomainEvent,
  dir: ConnectionDirectory,
  options: FanoutOptions = {},
): Promise<Delivery[]> {
  const cache = options.cache ?? newFanoutCache();
  // Published before or while the workspace was suspended: its sockets are being closed, nothing more goes out.
  if (!(await workspaceActive(db, cache, event.tenantId))) return [];
  const loadTarget = (tenantId: number, uuid: string) => {
    const key = `${tenantId}:${uuid}`;
    let target = cache.targets.get(key);
    if (!target) cache.targets.set(key, (target = loadTargetRow(db, tenantId, uuid)));
    return target;
  };
  const visibleOnly = (target: ConversationTarget, candidates: Connection[], permission: Permission) =>
    visibleTo(db, cache, target, candidates, permission);
  // Subscribers, every connection of the assignee, team members and participants, and the LibreDesk listeners.
  const concernedAgents = async (target: ConversationTarget, permission: Permission) => {
    const [subscribed, ofConcerned, listening] = await Promise.all([
      dir.subscribers(target.tenantId, target.uuid),
      target.concerned.length ? dir.ofUsers(target.tenantId, target.concerned) : [],
      dir.listeners(target.tenantId),
    ]);
    const byId = new Map<string, Connection>();
    for (const c of [...subscribed, ...ofConcerned, ...listening]) byId.set(c.id, c);
    return byDialect(await visibleOnly(target, [...byId.values()], permission));
  };
  /**
   * Every agent connection of the workspace whose agent may see the conversation. Cost per event: the
   * directory's workspace agent connections (a table lookup in the embedded hub, one registry query on API
   * Gateway) and one visibility evaluation for all their distinct agents together (visibleAgents: their
   * actors, then one query on the conversation row), shared with the publication's other events through
   * the cache; never a query per connection or per agent.
   */
  const seeingAgents = async (target: ConversationTarget, permission: Permission) =>
    visibleOnly(target, await dir.agents(target.tenantId), permission);
  switch (event.type) {
    case "new_message": {
      const target = await loadTarget(event.tenantId, event.conversationUuid);
      if (!target) return [];
      const [agents, visitors] = await Promise.all([
        concernedAgents(target, "messages:read"),
        dir.visitors(target.tenantId, target.contactId),
      ]);
      // Nobody here to tell (this instance, or this registry): nothing to load.
      if (agents.helperiq.length === 0 && agents.libredesk.length === 0 && visitors.length === 0) return [];
      const payload = await newMessagePayload(db, target, event.messageUuid, visitors.length > 0, options);
      if (!payload) return [];
      const out: Delivery[] = [];
      if (agents.helperiq.length) out.push({ to: agents.helperiq, text: frameText("new_message", payload.agent) });
      if (agents.libredesk.length)
        out.push({ to: agents.libredesk, text: frameText("new_message", libredeskNewMessage(payload.agent)) });
      if (payload.visitor) out.push({ to: visitors, text: frameText("new_message", payload.visitor) });
      return out;
    }
    case "message_update": {
      const target = await loadTarget(event.tenantId, event.conversationUuid);
      if (!target) return [];
      const agents = await concernedAgents(target, "messages:read");
      const everyone = [...agents.helperiq, ...agents.libredesk];
      if (everyone.length === 0) return [];
      // LibreDesk's UIs: 1.x/2.x read the per-field frames, later ones `message_update` (each ignores the other's).
      const out: Delivery[] = [
        { to: everyone, text: frameText("message_update", await messageUpdatePayload(db, target, event)) },
      ];
      if (agents.libredesk.length)
        out.push(
          ...messagePropFrames(target.uuid, event.messageUuid, event.changes).map((text) => ({
            to: agents.libredesk,
            text,
          })),
        );
      return out;
    }
    case "conversation_update": {
      const target = await loadTarget(event.tenantId, event.conversationUuid);
      if (!target) return [];
      // Everyone who can see it, concerned or not: "All", "Unassigned" and views patch their rows live too.
      // The same check as GET /conversations/{uuid}, so the changed fields (the preview included) are no more
      // than each of them may read there; message bodies stay with new_message's narrower audience.
      const everyone = await seeingAgents(target, "conversations:read");
      if (everyone.length === 0) return [];
      const libredesk = byDialect(everyone).libredesk;
      const out: Delivery[] = [
        { to: everyone, text: frameText("conversation_update", { uuid: target.uuid, ...event.changes }) },
      ];
      if (libredesk.length)
        out.push(...conversationPropFrames(target.uuid, event.changes).map((text) => ({ to: libredesk, text })));
      return out;
    }
    case "new_conversation": {
      const target = await loadTarget(event.tenantId, event.conversationUuid);
      if (!target) return [];
      const to = await seeingAgents(target, "conversations:read");
      if (to.length === 0) return [];
      const [row] = await selectConversationRows(systemCtx(db, target.tenantId)).where(eq(conversations.id, target.id));
      if (!row) return [];
      return [{ to, text: frameText("new_conversation", listRow(row)) }];
    }
    case "new_notification": {
      const [row] = await selectNotificationViews(db).where(
        and(
          eq(notifications.id, event.notificationId),
          eq(notifications.tenantId, event.tenantId),
          eq(notifications.userId, event.userId),
        ),
      );
      if (!row) return [];
      return [
        {
          to: await dir.ofUsers(event.tenantId, [event.userId]),
          text: frameText("new_notification", toNotificationView(row)),
        },
      ];
    }
    case "typing": {
      const target = await loadTarget(event.tenantId, event.conversationUuid);
      if (!target) return [];
      const subscribed = (await dir.subscribers(target.tenantId, target.uuid)).filter(
        (c) => c.id !== event.connectionId,
      );
      const sender =
        event.sender.kind === "agent" ? { type: "agent", user_id: event.sender.userId } : { type: "contact" };
      const out: Delivery[] = [
        {
          to: await visibleOnly(target, subscribed, "conversations:read"),
          text: frameText("typing", {
            conversation_uuid: target.uuid,
            is_typing: event.isTyping,
            is_private_message: event.isPrivate,
            sender,
          }),
        },
      ];
      if (event.sender.kind === "agent" && !event.isPrivate) {
        const visitors = await dir.visitors(target.tenantId, target.contactId);
        // Who is typing, as the visitor sees the same agent on their replies (the widget's message author).
        const [agent] = visitors.length
          ? await db
              .select({ first_name: users.firstName, last_name: users.lastName, avatar_url: users.avatarUrl })
              .from(users)
              .where(and(eq(users.id, event.sender.userId), eq(users.tenantId, target.tenantId)))
          : [];
        out.push({
          to: visitors,
          text: frameText("typing", {
            conversation_uuid: target.uuid,
            is_typing: event.isTyping,
            agent: agent ?? null,
          }),
        });
      }
      return out;
    }
    case "presence": {
      const uuids = [...new Set([event.previousUuid, event.conversationUuid])].filter((u): u is string => !!u);
      const out: Delivery[] = [];
      for (const uuid of uuids) {
        const target = await loadTarget(event.tenantId, uuid);
        if (!target) continue;
        const viewers = await dir.viewers(target.tenantId, uuid);
        out.push({
          to: await seeingAgents(target, "conversations:read"),
          text: frameText("presence_update", { conversation_uuid: uuid, viewers }),
        });
      }
      return out;
    }
  }
}

type AgentConnection = Extract<Connection, { kind: "agent" }>;

/** Agent connections by the dialect their frames are written in. */
function byDialect(connections: Connection[]): Record<Dialect, AgentConnection[]> {
  const out: Record<Dialect, AgentConnection[]> = { helperiq: [], libredesk: [] };
  for (const c of connections) if (c.kind === "agent") out[c.dialect].push(c);
  return out;
}

/** Agent connections of the target's workspace whose agent may see it and holds `permission`: one evaluation per agent, not per connection. */
async function visibleTo(
  db: Db,
  cache: FanoutCache,
  target: ConversationTarget,
  candidates: Connection[],
  permission: Permission,
): Promise<Connection[]> {
  const agents = candidates.filter(
    (c): c is Extract<Connection, { kind: "agent" }> => c.kind === "agent" && c.tenantId === target.tenantId,
  );
  if (agents.length === 0) return [];
  const key = (userId: number) => `${target.id}:${userId}`;
  const unknown = [...new Set(agents.map((c) => c.userId))].filter((u) => !cache.visible.has(key(u)));
  if (unknown.length) {
    const shown = new Map((await visibleAgents(db, target, unknown)).map((a) => [a.userId, a]));
    for (const u of unknown) cache.visible.set(key(u), shown.get(u) ?? null);
  }
  return agents.filter((c) => cache.visible.get(key(c.userId))?.permissions.has(permission));
}

async function newMessagePayload(
  db: Db,
  target: ConversationTarget,
  messageUuid: string,
  forVisitors: boolean,
  options: FanoutOptions,
) {
  const ctx = systemCtx(db, target.tenantId);
  const rows = await selectMessageRows(ctx).where(
    and(eq(messages.tenantId, target.tenantId), eq(messages.conversationId, target.id), eq(messages.uuid, messageUuid)),
  );
  const [view] = await messageViews(ctx, rows);
  if (!view) return null;
  // The widget's own allow-listed view (no private notes, activities, meta or anyone's email): null when hidden.
  const secrets = options.secrets;
  const now = options.now ?? (() => new Date());
  const mediaPath = (uuid: string) =>
    secrets
      ? signMediaPath(secrets, target.tenantId, uuid, now(), DEFAULT_MEDIA_URL_TTL_SECONDS).path
      : `/uploads/${uuid}`;
  const visitor =
    view.private || !forVisitors ? null : await widgetMessageByUuid(db, target.tenantId, messageUuid, mediaPath);
  return { agent: view as MessageView, visitor };
}

async function messageUpdatePayload(
  db: Db,
  target: ConversationTarget,
  event: Extract<DomainEvent, { type: "message_update" }>,
) {
  const [row] = await db
    .select({ uuid: messages.uuid, status: messages.status, updatedAt: messages.updatedAt, private: messages.private })
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, target.tenantId),
        eq(messages.conversationId, target.id),
        eq(messages.uuid, event.messageUuid),
      ),
    );
  // A deleted note is gone from the table: the event itself says so.
  const base = row
    ? { uuid: row.uuid, conversation_uuid: target.uuid, status: row.status, updated_at: iso(row.updatedAt) }
    : { uuid: event.messageUuid, conversation_uuid: target.uuid, updated_at: new Date().toISOString() };
  return { ...base, ...event.changes };
}

/**
 * The current values of a conversation_update's or message_update's changed fields, for an event whose
 * `changes` were too large to relay between instances: the receiving instance reloads them.
 */
export async function reloadChanges(
  db: Db,
  event: DomainEvent,
  keys: readonly string[],
): Promise<Record<string, unknown>> {
  const pick = (source: Record<string, unknown>) =>
    Object.fromEntries(keys.filter((k) => k in source).map((k) => [k, source[k]]));
  if (event.type === "conversation_update") {
    const detail = await getConversation(systemCtx(db, event.tenantId), { uuid: event.conversationUuid }).catch(
      () => null,
    );
    return detail ? pick(detail as unknown as Record<string, unknown>) : {};
  }
  if (event.type === "message_update") {
    const ctx = systemCtx(db, event.tenantId);
    const rows = await selectMessageRows(ctx).where(
      and(eq(messages.tenantId, event.tenantId), eq(messages.uuid, event.messageUuid)),
    );
    const [view] = await messageViews(ctx, rows);
    return view ? pick(view as unknown as Record<string, unknown>) : {};
  }
  return {};
}
