import type { Ctx } from "@helperiq/core/context/index";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { mediaUrlMaker } from "./media-url.ts";

/** A request's workspace, database, clock, effect ports and media URLs: a domain context without its actor. */
export function requestScope(c: Context<AppEnv>): Omit<Ctx, "actor"> {
  const { database, clock, events, queue } = c.get("deps");
  return { db: database.db, tenantId: c.get("tenant").id, clock, events, queue, mediaUrl: mediaUrlMaker(c) };
}

/** The domain context of a request that went through tenant resolution and `auth()`. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  return { ...requestScope(c), actor: c.get("actor") };
}
