import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { respondsRaw } from "../middleware/envelope.ts";

/** `GET /health`: 200 with an empty body when the database answers, 503 otherwise. No tenant needed. */
export const health = new Hono<AppEnv>().get(
  "/health",
  respondsRaw({ status: 200, description: "The database answers (503, no body, when it does not)." }),
  async (c) => {
    try {
      await c.get("deps").database.ping();
      return c.body(null, 200);
    } catch (err) {
      console.error("[health] database did not answer:", (err as Error).message);
      return c.body(null, 503);
    }
  },
);
