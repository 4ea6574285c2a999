import { describeError } from "@helperiq/core/errors/describe";
import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { and, eq } from "drizzle-orm";
import { loadAgentActor } from "@helperiq/core/agent/actor";
import { READ_ONLY } from "@helperiq/core/context/index";
import { visibleConversationId } from "@helperiq/core/conversation/get";
import { conversations } from "@helperiq/core/conversation/conversation.sql";
import type { Clock, Db, DomainEvent, Events } from "@helperiq/core/port/index";
import { newFanoutCache, planDeliveries } from "@helperiq/core/realtime/fanout";
import { errorFrame, frameText, isUuid, parseClientFrame, WS_ERRORS } from "@helperiq/core/realtime/frames";
import { users } from "@helperiq/core/user/user.sql";
import type { Keyring } from "@helperiq/core/crypto/secret-box";
import type { ConnectionRegistry, RegisteredConnection } from "./registry.ts";

export type ApiGatewayRealtimeOptions = {
  db: Db;
  clock: Clock;
  registry: ConnectionRegistry;
  /** The WebSocket API's management endpoint (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`). */
  endpoint: string;
  client?: ApiGatewayManagementApiClient;
  log?: (line: string) => void;
  /** Signs attachment URLs of widget pushes. */
  secrets?: Keyring | undefined;
};

/**
 * Realtime in AWS: every Lambda that produces domain events publishes them here. Recipients come from the
 * DynamoDB registry, frames are posted with the API Gateway Management API, and a connection API Gateway
 * says is gone (410) is removed from the registry. Returns once every post has been answered, so a
 * Lambda does not freeze with pushes in flight.
 */
export function createApiGatewayRealtime(options: ApiGatewayRealtimeOptions) {
  const { db, clock, registry } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  let management:
    | Promise<{ client: ApiGatewayManagementApiClient; post: (id: string, text: string) => Promise<void> }>
    | undefined;

  const sdk = () =>
    (management ??= import("@aws-sdk/client-apigatewaymanagementapi").then((m) => {
      const client = options.client ?? new m.ApiGatewayManagementApiClient({ endpoint: options.endpoint });
      return {
        client,
        post: async (id: string, text: string) => {
          await client.send(new m.PostToConnectionCommand({ ConnectionId: id, Data: new TextEncoder().encode(text) }));
        },
      };
    }));

  /** Posts one frame; false when the connection is gone (and it has been removed). */
  async function post(connectionId: string, text: string): Promise<boolean> {
    const { post } = await sdk();
    try {
      await post(connectionId, text);
      return true;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "GoneException" || e.$metadata?.httpStatusCode === 410) {
        await registry.remove(connectionId);
        return false;
      }
      log(`[realtime] post to ${connectionId} failed: ${describeError(err)}`);
      return false;
    }
  }

  const events: Events = {
    async publish(list: readonly DomainEvent[]) {
      const cache = newFanoutCache();
      for (const event of list) {
        try {
          const deliveries = await planDeliveries(db, event, registry.directory, {
            secrets: options.secrets,
            now: () => clock.now(),
            cache,
          });
          await Promise.all(deliveries.flatMap(({ to, text }) => to.map((c) => post(c.id, text))));
        } catch (err) {
          // The change is committed: a failed push is logged, never turned into a failed request or job.
          log(`[realtime] ${event.type} fan-out failed: ${describeError(err)}`);
        }
      }
    },
  };

  async function readable(c: RegisteredConnection & { kind: "agent" }, uuid: string): Promise<boolean> {
    if (!isUuid(uuid)) return false;
    const actor = await loadAgentActor(db, c.tenantId, c.userId, "session");
    if (!actor?.permissions.has("conversations:read")) return false;
    return visibleConversationId({ db, tenantId: c.tenantId, actor, clock, ...READ_ONLY }, { uuid }).then(
      () => true,
      () => false,
    );
  }

  /** `$default`: one client frame of a registered connection, answered through the Management API. */
  async function onFrame(connectionId: string, text: string): Promise<void> {
    const c = await registry.get(connectionId);
    if (!c) return;
    const reply = (t: string) => post(connectionId, t).then(() => undefined);
    const frame = parseClientFrame(text, c.kind === "agent" ? c.dialect : "helperiq");
    if ("error" in frame) return reply(errorFrame(frame.error));
    if (frame.type === "ping") {
      await reply("pong");
      if (c.kind === "agent" && (await registry.touch(c))) {
        await db
          .update(users)
          .set({ lastActiveAt: clock.now() })
          .where(and(eq(users.id, c.userId), eq(users.tenantId, c.tenantId)));
      }
      return;
    }
    if (c.kind === "visitor") {
      if (frame.type !== "typing") return reply(errorFrame(WS_ERRORS.unknownType));
      const [own] = isUuid(frame.conversationUuid)
        ? await db
            .select({ id: conversations.id })
            .from(conversations)
            .where(
              and(
                eq(conversations.tenantId, c.tenantId),
                eq(conversations.uuid, frame.conversationUuid),
                eq(conversations.contactId, c.contactId),
              ),
            )
        : [];
      if (!own) return reply(errorFrame(WS_ERRORS.notFound));
      const sender = { kind: "contact" as const, contactId: c.contactId };
      return events.publish([
        {
          type: "typing",
          tenantId: c.tenantId,
          conversationUuid: frame.conversationUuid,
          sender,
          connectionId,
          isTyping: frame.isTyping,
          isPrivate: false,
        },
      ]);
    }
    const agent = c as RegisteredConnection & { kind: "agent" };
    switch (frame.type) {
      case "conversation_subscribe":
        if (!(await readable(agent, frame.conversationUuid))) return reply(errorFrame(WS_ERRORS.notFound));
        await registry.subscribe(agent, frame.conversationUuid);
        return reply(frameText("conversation_subscribed", { conversation_uuid: frame.conversationUuid }));
      case "typing": {
        if (!(await readable(agent, frame.conversationUuid))) return reply(errorFrame(WS_ERRORS.notFound));
        const sender = { kind: "agent" as const, userId: agent.userId };
        return events.publish([
          {
            type: "typing",
            tenantId: agent.tenantId,
            conversationUuid: frame.conversationUuid,
            sender,
            connectionId,
            isTyping: frame.isTyping,
            isPrivate: frame.isPrivate,
          },
        ]);
      }
      case "list_subscribe_replace":
        // Nothing to record: a LibreDesk-dialect connection already gets every conversation its agent can see.
        return;
      case "view_conversation": {
        const uuid = frame.conversationUuid || null;
        if (uuid && !(await readable(agent, uuid))) return reply(errorFrame(WS_ERRORS.notFound));
        if ((agent.viewing ?? null) === uuid) return;
        await registry.view(agent, uuid);
        return events.publish([presence(agent, uuid)]);
      }
    }
  }

  const presence = (c: RegisteredConnection & { kind: "agent" }, uuid: string | null): DomainEvent => ({
    type: "presence",
    tenantId: c.tenantId,
    connectionId: c.id,
    userId: c.userId,
    firstName: c.firstName,
    conversationUuid: uuid,
    previousUuid: c.viewing ?? null,
  });

  return {
    events,
    onFrame,
    /**
     * A suspended, deleted or purged workspace: API Gateway drops each of its connections (one already gone is
     * fine) and the registry forgets them. Neither code nor reason can travel: the management API's
     * DeleteConnection closes without choosing the close frame.
     */
    async closeWorkspace(tenantId: number, _reason: string, _code?: number): Promise<number> {
      const { client } = await sdk();
      const { DeleteConnectionCommand } = await import("@aws-sdk/client-apigatewaymanagementapi");
      const connections = await registry.ofWorkspace(tenantId);
      for (const c of connections) {
        try {
          await client.send(new DeleteConnectionCommand({ ConnectionId: c.id }));
        } catch (err) {
          const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
          if (e.name !== "GoneException" && e.$metadata?.httpStatusCode !== 410) throw err;
        }
        await registry.remove(c.id);
      }
      return connections.length;
    },
    /** `$disconnect` (or a connection found gone): forget it, and clear its presence for the others. */
    async disconnect(connectionId: string) {
      const c = await registry.remove(connectionId);
      if (c?.kind === "agent" && c.viewing) await events.publish([presence(c, null)]);
    },
  };
}

export type ApiGatewayRealtime = ReturnType<typeof createApiGatewayRealtime>;
