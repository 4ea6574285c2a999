import { AuthError } from "../errors/index.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import type { EffectPorts } from "../port/effects.ts";
import type { Permission } from "../role/permissions.ts";

export type AgentActor = {
  type: "agent";
  tenantId: number;
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
  permissions: ReadonlySet<Permission>;
  /** How the request authenticated; cookie sessions need CSRF checks, API keys do not. */
  via: "session" | "api_key";
};

/** The workspace itself: background jobs, crons, and reading back what an agent just wrote. */
export type SystemActor = { type: "system"; tenantId: number };

/**
 * A customer in the live-chat widget, through a widget session of one inbox: an anonymous visitor or a
 * contact the site verified. Holds no permission; widget operations see only the contact's own conversations.
 */
export type ContactActor = {
  type: "contact";
  tenantId: number;
  contactId: number;
  inboxId: number;
  isVisitor: boolean;
};

export type Actor = AgentActor | SystemActor | ContactActor;

/**
 * What every domain operation runs with: the database, the tenant, who is acting, and the ports its
 * effects are published through after commit (db/transaction.ts).
 */
export interface Ctx extends EffectPorts {
  db: Db;
  tenantId: number;
  actor: Actor;
  clock: Clock;
  /**
   * The URL the caller fetches a media uuid with (absolute and signed, packages/api/src/media-url.ts);
   * absent outside requests, where views fall back to `/uploads/<uuid>` (credentials needed).
   */
  mediaUrl?: ((uuid: string) => string) | undefined;
}

/** A widget operation's context: the session's contact. */
export type ContactCtx = Ctx & { actor: ContactActor };

/** What a system context is made of: a job's or cron's dependencies, or another context. */
export type SystemDeps = Pick<Ctx, "db" | "clock" | "events" | "queue" | "mediaUrl">;

/** Workspace `tenantId` acting as itself, over `deps` (a job's dependencies, or a request's context to read back as the workspace). */
export function systemCtx(deps: SystemDeps, tenantId: number): Ctx {
  const { db, clock, events, queue, mediaUrl } = deps;
  return { db, clock, events, queue, mediaUrl, tenantId, actor: { type: "system", tenantId } };
}

/**
 * The ports of a context that only reads (visibility checks of the realtime fan-out and of media
 * downloads): nothing may be published through it, so trying is a loud bug rather than a lost event.
 */
export const READ_ONLY: EffectPorts = {
  events: {
    publish: async () => {
      throw new Error("a read-only context cannot publish events");
    },
  },
  queue: {
    send: async () => {
      throw new Error("a read-only context cannot enqueue work");
    },
  },
};

export function can(actor: Actor, permission: Permission): boolean {
  if (actor.type === "contact") return false;
  return actor.type === "system" || actor.permissions.has(permission);
}

/** The acting agent: what writes only an agent makes (replies, notes) need; 401 for anyone else. */
export function agentActor(ctx: Pick<Ctx, "actor">): AgentActor {
  if (ctx.actor.type !== "agent") throw new AuthError();
  return ctx.actor;
}
