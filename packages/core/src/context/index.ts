import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
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

export type SystemActor = { type: "system"; tenantId: number };

export type Actor = AgentActor | SystemActor;

/** What every domain operation runs with: the database, the tenant and who is acting. */
export interface Ctx {
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

export function can(actor: Actor, permission: Permission): boolean {
  return actor.type === "system" || actor.permissions.has(permission);
}
