import type { Ctx } from "@helperiq/core/context/index";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { mediaUrlMaker } from "./media-url.ts";

/** The domain context of a request that went through tenant resolution and `auth()`. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  const { database, clock } = c.get("deps");
  return { db: database.db, tenantId: c.get("tenant").id, actor: c.get("actor"), clock, mediaUrl: mediaUrlMaker(c) };
}
