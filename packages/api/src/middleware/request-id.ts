import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";

const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Takes a well-formed X-Request-Id from the edge (API Gateway sets one) or makes one; echoed back. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const given = c.req.header("x-request-id");
  const id = given && SAFE_ID.test(given) ? given : crypto.randomUUID();
  c.set("requestId", id);
  c.header("X-Request-Id", id);
  await next();
});
